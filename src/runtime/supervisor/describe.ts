// A cycle's report: its one-line summary, and the figures `status` shows.
import type { CyclePlan } from '../../domain/supervisor/cycle.js';
import { formatMinute } from '../../domain/supervisor/format.js';
import type { SupervisorStats } from '../../adapters/control-repo/supervisor-stats.js';
import type { CycleRead } from './cycle-read.js';
import type { CycleOutcome } from './cycle.js';
import type { LeaseRole } from '../../domain/supervisor/lease-term.js';
import { roleOf, type Leadership } from './lease.js';

export function describeOutcome(o: CycleOutcome): string {
  if (o.kind === 'watching') return `standby, ${o.lead.note}: watching the lease only, no API call`;
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
    ...leaseStats(roleOf(lead)),
    ...(read.clockOffsetMs !== undefined ? { clockOffsetMs: read.clockOffsetMs } : {}),
  };
}

/** A leader that could not renew in time reports itself a standby with when its lease lapsed (lease-term.ts roleUnseen). */
export function leaseStats(lead: LeaseRole, checks?: number): Pick<SupervisorStats, 'lease'> {
  if (lead.kind === 'solo') return {};
  const counted = checks !== undefined ? { checks } : {};
  if (lead.kind === 'standby')
    return {
      lease: {
        role: 'standby',
        holder: lead.holder,
        epoch: lead.epoch,
        expiresAt: lead.expiresAt,
        note: lead.note,
        ...(lead.lapsedAt !== undefined ? { lapsedAt: lead.lapsedAt } : {}),
        ...counted,
      },
    };
  return {
    lease: {
      role: 'leader',
      holder: lead.lease.holder,
      epoch: lead.lease.epoch,
      expiresAt: lead.lease.expiresAt,
      ...(lead.note ? { note: lead.note } : {}),
      ...counted,
    },
  };
}

/** `supervise --once --json`: what a script reads of one cycle. */
export function outcomeJson(outcome: CycleOutcome): Record<string, unknown> {
  if (outcome.kind === 'watching') return { ok: true, standby: true, note: outcome.lead.note, calls: 0 };
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
