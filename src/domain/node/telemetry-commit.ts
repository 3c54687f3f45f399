import type { JournalEvent } from '../node-cycle.js';
import type { Sample } from '../pressure/index.js';
import { telemetrySubject } from '../telemetry-message.js';
import { addToRollup, type TelemetryUpdate } from '../telemetry-files.js';
import type { ControlSources, CycleMemory, NodeCyclePlan } from './plan-cycle.js';

export interface TelemetryCommit {
  update: TelemetryUpdate;
  message: string;
}

export interface CycleTelemetry {
  commit: false | 'change' | 'heartbeat';
  /** The conditions reported since the last commit, then the cycle's own events. */
  events: JournalEvent[];
  telemetry: TelemetryCommit | undefined;
  memory: CycleMemory;
}

export interface CycleTelemetryInput {
  node: string;
  plan: NodeCyclePlan;
  memory: CycleMemory;
  /** Journal lines noted since the last commit (conditions reported, agents stopped, the start...). */
  journal: JournalEvent[];
  sample: Sample | undefined;
  control: ControlSources;
  now: number;
}

/** Whether and what this cycle commits to the telemetry branch, and what the next cycle starts from. */
export function cycleTelemetry(input: CycleTelemetryInput): CycleTelemetry {
  const { node, plan, memory, sample, now } = input;
  const { cycle } = plan;
  const events = [...input.journal, ...cycle.events, ...plan.runaway.events, ...plan.reclaim.events];
  const rollup = sample ? addToRollup(memory.rollup, sample, cycle.pressure.level) : memory.rollup;
  // A condition reported this cycle (a mechanism failing, a config problem) is news even when the decision is unchanged.
  const commit = cycle.commit || (events.length > 0 ? 'change' : false);
  const telemetry = commit
    ? {
        update: { sample, decision: cycle.decision, roles: cycle.roles, events, rollup },
        message: telemetrySubject(
          node,
          commit === 'change' ? `level ${cycle.decision.level}: ${cycle.pressure.reason}` : undefined,
        ),
      }
    : undefined;
  const next: CycleMemory = {
    prev: cycle.pressure.state,
    prevDecision: cycle.decision,
    prevRoles: cycle.roles,
    lastCommittedAt: commit ? now : memory.lastCommittedAt,
    rollup: commit ? undefined : rollup,
    control: input.control,
    runaways: plan.runaway.memory,
    reclaim: plan.reclaim.memory,
  };
  return { commit, events, telemetry, memory: next };
}

/** After a stop of running agents (`--once` waits for it): its journal lines, committed beside the last decision. */
export function settleTelemetry(
  node: string,
  journal: JournalEvent[],
  memory: Pick<CycleMemory, 'prevDecision' | 'prevRoles'>,
): TelemetryCommit | undefined {
  if (journal.length === 0 || !memory.prevDecision) return undefined;
  const update = {
    sample: undefined,
    decision: memory.prevDecision,
    roles: memory.prevRoles ?? {},
    events: journal,
    rollup: undefined,
  };
  return { update, message: telemetrySubject(node, journal.map((e) => e.kind).join(', ')) };
}
