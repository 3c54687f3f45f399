// A cycle's report: its one-line summary, and the figures `status` shows.
import type { CyclePlan } from '../../domain/supervisor/cycle.js';
import { formatMinute } from '../../domain/supervisor/format.js';
import type { SupervisorStats } from '../../adapters/control-repo/supervisor-stats.js';
import type { CycleRead } from './cycle-read.js';
import type { CycleOutcome } from './cycle.js';
import type { Leadership } from './lease.js';

export function describeOutcome(o: CycleOutcome): string {
  if (o.kind !== 'ok') return `${o.kind} error: ${o.error}`;
  if (o.lead.kind === 'standby')
    return `standby, ${o.lead.note}: observed ${o.repos} repositories with ${o.calls} API calls, committed nothing; next look ${formatMinute(o.plan.wake.at)}`;
  const commit = o.commit.changed
    ? `committed ${o.commit.sha?.slice(0, 10)}${o.commit.pushed ? ' and pushed' : ''}`
    : 'nothing changed, no commit';
  return `${o.repos} repositories, ${o.calls} API calls, ${o.plan.decisions.length} decisions, ${commit}; next look ${formatMinute(o.plan.wake.at)} (${o.plan.wake.reason})`;
}

export function cycleStats(read: CycleRead, node: string, plan: CyclePlan, lead: Leadership): SupervisorStats {
  const { factory, clients } = read;
  return {
    at: read.now,
    node,
    mode: 'once',
    calls: read.calls,
    budgetLimit: factory.supervisor.budget.requestsPer30m,
    budgets: clients.budgets(),
    nextWake: plan.wake,
    ...leaseStats(lead),
  };
}

function leaseStats(lead: Leadership): Pick<SupervisorStats, 'lease'> {
  if (lead.kind === 'solo') return {};
  if (lead.kind === 'standby')
    return {
      lease: { role: 'standby', holder: lead.holder, epoch: lead.epoch, expiresAt: lead.expiresAt, note: lead.note },
    };
  return {
    lease: { role: 'leader', holder: lead.lease.holder, epoch: lead.lease.epoch, expiresAt: lead.lease.expiresAt },
  };
}

/** `supervise --once --json`: what a script reads of one cycle. */
export function outcomeJson(outcome: CycleOutcome): Record<string, unknown> {
  return outcome.kind === 'ok'
    ? {
        ok: true,
        decisions: outcome.plan.decisions,
        fired: outcome.plan.fired.map((f) => ({ id: f.alarm.id, reason: f.reason })),
        committed: outcome.commit.changed,
        sha: outcome.commit.sha,
        calls: outcome.calls,
        wake: outcome.plan.wake,
        notes: outcome.notes,
      }
    : { ok: false, kind: outcome.kind, error: outcome.error };
}
