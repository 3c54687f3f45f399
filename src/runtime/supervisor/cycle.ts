// One supervisor cycle: read everything, plan (pure), write by role, record the figures, run fired alarms' commands.
import type { Alarm } from '../../domain/config/alarm-schema.js';
import { planCycle, type CyclePlan } from '../../domain/supervisor/cycle.js';
import { readStateSnapshot, STATE_PATH_LIST } from '../../domain/supervisor/state-files.js';
import type { StateCommitResult } from '../../adapters/control-repo/state-commit.js';
import { writeSupervisorStats, type SupervisorStats } from '../../adapters/control-repo/supervisor-stats.js';
import { readFilesAt } from '../../adapters/git/read-files.js';
import { drainAndRecord } from '../alerts/drain-step.js';
import { runFiredCommands } from './alarm-commands.js';
import { ensureCiAgents } from './ci-agents.js';
import { kickNodes } from './placement.js';
import { readCycle, type CycleFailure, type WatchingOnly } from './cycle-read.js';
import { writePlan, type PlanOn } from './cycle-write.js';
import type { SupervisorDeps, SupervisorMemory } from './deps.js';
import { cycleStats } from './describe.js';
import type { Leadership } from './lease.js';

export { newMemory, type SupervisorDeps, type SupervisorMemory } from './deps.js';
export { alarmsDue } from './alarms-due.js';
export { describeOutcome } from './describe.js';

export type CycleOutcome =
  | {
      kind: 'ok';
      plan: CyclePlan;
      commit: StateCommitResult;
      calls: number;
      repos: number;
      notes: string[];
      alarms: Alarm[];
      stats: SupervisorStats;
      lead: Leadership;
    }
  | CycleFailure
  | WatchingOnly;

/** `standbyWatches`: the daemon, whose standby looks at the lease and nothing else (see readCycle). */
export async function runCycle(
  deps: SupervisorDeps,
  memory: SupervisorMemory,
  standbyWatches = false,
): Promise<CycleOutcome> {
  const read = await readCycle(deps, memory, standbyWatches);
  if (read.kind !== 'read') return read;
  const agents = await ensureCiAgents(read);
  const { factory, now } = read;
  const observed = {
    ...read.observed,
    ...(agents.changes.length > 0 ? { ciAgentChanges: agents.changes } : {}),
    ...(memory.alertDrain ? { alertDrain: memory.alertDrain } : {}),
  };
  const prevCi = memory.prevCi;
  const planOn: PlanOn = (current) =>
    planCycle({
      config: factory,
      state: readStateSnapshot(current),
      observed,
      now,
      selfNode: deps.node,
      repos: read.repos,
      ...(read.lead.kind === 'leader' ? { epoch: read.lead.lease.epoch } : {}),
      ...(prevCi ? { prevCi } : {}),
      ...(read.clockOffsetMs !== undefined ? { clockOffsetMs: read.clockOffsetMs } : {}),
    });
  const written = await writePlan(deps.dir, read.lead, planOn, now);
  if ('error' in written) return { kind: 'transient', error: written.error };

  const { plan, commit, lead } = written;
  if (plan.ci) memory.prevCi = plan.ci.state;
  if (lead.kind !== 'standby') delete memory.alertDrain;
  const drained = await drainAndRecord(deps.dir, deps.env, factory, lead, plan.outbox ?? [], deps.now);
  if (drained.pending) memory.alertDrain = drained.pending;
  const alarms = readStateSnapshot(await readFilesAt(deps.dir, 'HEAD', STATE_PATH_LIST)).alarms ?? [];
  const stats = {
    ...cycleStats(read, deps.node, plan, lead),
    ...(agents.views.length ? { ciAgents: agents.views } : {}),
  };
  writeSupervisorStats(deps.dir, stats);
  memory.stats = stats;
  if (commit.changed) await runFiredCommands(deps, factory.supervisor, plan.fired);
  // The nodes learn of a new placement at their next pull; a kick over SSH makes it now.
  const kicked =
    commit.changed && plan.placement?.changed ? await kickNodes(deps, memory, factory, plan.placement.kick) : [];
  return {
    kind: 'ok',
    plan,
    commit,
    calls: read.calls,
    repos: read.repos.length,
    notes: [...read.notes, ...agents.notes, ...written.notes, ...plan.notes, ...drained.notes, ...kicked],
    alarms,
    stats,
    lead,
  };
}
