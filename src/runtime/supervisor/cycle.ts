// One supervisor cycle with its I/O: pull, read telemetry, forges and CI, plan (pure), commit, run fired alarms' commands.
import { parseDuration } from '../../domain/duration.js';
import { formatMinute } from '../../domain/supervisor/format.js';
import { alarmTargets, evaluateAlarms } from '../../domain/supervisor/alarms-evaluate.js';
import type { Alarm } from '../../domain/config/alarm-schema.js';
import type { CiOverloadState } from '../../domain/supervisor/ci-overload.js';
import { planCycle, type CyclePlan } from '../../domain/supervisor/cycle.js';
import { readStateSnapshot, STATE_PATH_LIST } from '../../domain/supervisor/state-files.js';
import { runAlarmCommand } from '../../adapters/process/alarm-command.js';
import { observeForges, observeTargets } from '../../adapters/forge/observe.js';
import { readFilesAt } from '../../adapters/git/read-files.js';
import { pullFastForward } from '../../adapters/git/pull.js';
import type { HttpClient, HttpClientOptions } from '../../adapters/http/client.js';
import { createServerClients } from '../../adapters/forge/server-clients.js';
import { commitStateFiles, type StateCommitResult } from '../../adapters/control-repo/state-commit.js';
import { fetchTelemetry, readTelemetry } from '../../adapters/telemetry/read.js';
import { writeSupervisorStats, type SupervisorStats } from '../../adapters/control-repo/supervisor-stats.js';
import { LeaseLostError, leasePolicy, takeLead, type Leadership } from './lease.js';
import { controlRemote } from '../../adapters/git/remote.js';
import { loadSupervisorConfig, type SupervisorConfigView } from '../../adapters/control-repo/supervisor-config.js';

export interface SupervisorDeps {
  dir: string;
  env: NodeJS.ProcessEnv;
  node: string;
  now(): number;
  log(line: string): void;
  /** seams for tests and bench: HTTP timing, fetch */
  http?: Partial<HttpClientOptions>;
}
/** What the loop carries from one cycle to the next; a --once run starts empty. */
export interface SupervisorMemory {
  httpCache: Map<string, HttpClient>;
  lastGood?: SupervisorConfigView;
  prevCi?: CiOverloadState;
}
export type CycleOutcome =
  | { kind: 'ok'; plan: CyclePlan; commit: StateCommitResult; calls: number; repos: number; notes: string[]; intervalMs: number; alarms: Alarm[]; stats: SupervisorStats; lead: Leadership }
  /** retry soon with backoff: the forge's git or the push failed */
  | { kind: 'transient'; error: string }
  /** a human must fix the config; nothing was decided */
  | { kind: 'terminal'; error: string };

export function newMemory(): SupervisorMemory {
  return { httpCache: new Map() };
}

export async function runCycle(deps: SupervisorDeps, memory: SupervisorMemory): Promise<CycleOutcome> {
  const { dir } = deps;
  const remote = await controlRemote(dir);
  if (remote) {
    const pulled = await pullFastForward(dir, 15_000);
    if (!pulled.ok) return { kind: 'transient', error: `pull failed: ${pulled.error}` };
  }
  const loaded = await loadSupervisorConfig(dir, memory.lastGood);
  if (!loaded.ok) return { kind: 'terminal', error: `the config is invalid and no good version is known:\n${loaded.problems.join('\n')}` };
  const notes = loaded.stale ? [`config invalid, running on the last good one:\n${loaded.stale.join('\n')}`] : [];
  if (!loaded.stale) memory.lastGood = loaded.config;
  const { factory, repos } = loaded.config;

  let lead: Leadership = { kind: 'solo' };
  if (remote) {
    try {
      lead = await takeLead(dir, remote, deps.node, deps.now, leasePolicy(factory.supervisor));
    } catch (error) {
      return { kind: 'transient', error: `lease: ${(error as Error).message}` };
    }
  }
  if (remote && !(await fetchTelemetry(dir, remote))) notes.push('could not fetch telemetry branches: node decisions may be old');
  const telemetry = [...(await readTelemetry(dir, remote)).values()];
  const nodes = telemetry.flatMap((t) => (t.decision ? [t.decision] : []));
  const head = readStateSnapshot(await readFilesAt(dir, 'HEAD', STATE_PATH_LIST));
  const clients = createServerClients(factory, deps.env, deps.http, memory.httpCache);
  const now = deps.now();
  const seen = await observeForges(clients, repos, alarmTargets(head.alarms ?? []), { readyLabel: factory.supervisor.readyLabel, now });
  notes.push(...seen.notes, ...seen.repos.filter((r) => r.error).map((r) => `${r.slug}: ${r.error} (missing data: no back-off, no resume)`));

  let plan: CyclePlan | undefined;
  const observed = { repos: seen.repos, targets: seen.targets, nodes, telemetry, ...('ciQueue' in seen ? { ciQueue: seen.ciQueue } : {}) };
  const decide = (current: ReadonlyMap<string, string | undefined>) => {
    plan = planCycle({ config: factory, state: readStateSnapshot(current), observed, now, selfNode: deps.node, ...(memory.prevCi ? { prevCi: memory.prevCi } : {}) });
    return Object.keys(plan.changes).length > 0 ? { changes: plan.changes, message: plan.message } : null;
  };
  let commit: StateCommitResult = { changed: false, pushed: false };
  if (lead.kind === 'standby') {
    const would = decide(await readFilesAt(dir, 'HEAD', STATE_PATH_LIST));
    notes.push(`standby: ${lead.note}; observing only, committing nothing${would ? ` (as leader: ${would.message.split('\n')[0]})` : ''}`);
  } else {
    const leader = lead.kind === 'leader' ? lead : undefined;
    try {
      commit = await commitStateFiles(dir, STATE_PATH_LIST, decide, leader ? () => leader.fence() : undefined);
      if (leader) await (commit.changed ? leader.confirm() : leader.renewIfDue());
    } catch (error) {
      if (!(error instanceof LeaseLostError)) return { kind: 'transient', error: `commit failed: ${(error as Error).message}` };
      notes.push(error.message);
      commit = { changed: false, pushed: false };
      lead = { kind: 'standby', holder: 'another supervisor', epoch: 0, expiresAt: now, note: error.message };
    }
  }
  const done = plan!;
  if (done.ci) memory.prevCi = done.ci.state;
  notes.push(...done.notes);
  const alarms = readStateSnapshot(await readFilesAt(dir, 'HEAD', STATE_PATH_LIST)).alarms ?? [];
  const intervalMs = done.schedule.roles.supervisor?.intervalMs ?? parseDuration(factory.supervisor.interval.min);
  const stats: SupervisorStats = { at: now, node: deps.node, mode: 'once', calls: seen.calls, budgetLimit: factory.supervisor.budget.requestsPer30m, budgets: clients.budgets(), nextWake: done.wake, ...leaseStats(lead) };
  writeSupervisorStats(dir, stats);
  if (commit.changed) {
    for (const f of done.fired) {
      if (!f.alarm.command) continue;
      const r = await runAlarmCommand(f.alarm.command, { cwd: dir, timeoutMs: parseDuration(factory.supervisor.alarmCommandTimeout), env: { FACTORY_ALARM_ID: f.alarm.id, FACTORY_ALARM_REASON: f.reason } });
      deps.log(`alarm ${f.alarm.id}: \`${f.alarm.command}\` ${r.timedOut ? `killed after ${factory.supervisor.alarmCommandTimeout}` : `exited ${r.code}`} in ${r.ms} ms${r.output.trim() ? `: ${r.output.trim().split('\n').slice(-3).join(' / ')}` : ''}`);
    }
  }
  return { kind: 'ok', plan: done, commit, calls: seen.calls, repos: repos.length, notes, intervalMs, alarms, stats, lead };
}

/**
 * Between full cycles: only the pending alarms' targets are looked at (a few calls, not one per
 * repository), and a full cycle runs at once when one of them is due.
 */
export async function alarmsDue(deps: SupervisorDeps, memory: SupervisorMemory): Promise<{ due: string[]; alarms: Alarm[] } | { error: string }> {
  if (await controlRemote(deps.dir)) {
    const pulled = await pullFastForward(deps.dir, 15_000);
    if (!pulled.ok) return { error: `pull failed: ${pulled.error}` };
  }
  const alarms = readStateSnapshot(await readFilesAt(deps.dir, 'HEAD', STATE_PATH_LIST)).alarms ?? [];
  if (alarms.length === 0 || !memory.lastGood) return { due: [], alarms };
  const clients = createServerClients(memory.lastGood.factory, deps.env, deps.http, memory.httpCache);
  const targets = await observeTargets(clients, memory.lastGood.repos, alarmTargets(alarms));
  return { due: evaluateAlarms(alarms, targets, deps.now()).fired.map((f) => f.alarm.id), alarms };
}

export function describeOutcome(o: CycleOutcome): string {
  if (o.kind !== 'ok') return `${o.kind} error: ${o.error}`;
  if (o.lead.kind === 'standby') return `standby, ${o.lead.note}: observed ${o.repos} repositories with ${o.calls} API calls, committed nothing; next look ${formatMinute(o.plan.wake.at)}`;
  const commit = o.commit.changed ? `committed ${o.commit.sha?.slice(0, 10)}${o.commit.pushed ? ' and pushed' : ''}` : 'nothing changed, no commit';
  return `${o.repos} repositories, ${o.calls} API calls, ${o.plan.decisions.length} decisions, ${commit}; next look ${formatMinute(o.plan.wake.at)} (${o.plan.wake.reason})`;
}

function leaseStats(lead: Leadership): Pick<SupervisorStats, 'lease'> {
  if (lead.kind === 'solo') return {};
  if (lead.kind === 'standby') return { lease: { role: 'standby', holder: lead.holder, epoch: lead.epoch, expiresAt: lead.expiresAt, note: lead.note } };
  return { lease: { role: 'leader', holder: lead.lease.holder, epoch: lead.lease.epoch, expiresAt: lead.lease.expiresAt } };
}
