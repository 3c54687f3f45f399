import type { FactoryConfig } from '../config/factory-schema.js';
import type { NodeDecision, Override, SupervisorHalt } from '../config/state-schema.js';
import { assignmentsFor, type Assignment } from '../assignments.js';
import { localPlan, type CronContext, type LocalPlan } from '../local-plan.js';
import { nodeCycle, type NodeCycle, type RoleSummary } from '../node-cycle.js';
import type { PressureState, Sample } from '../pressure/index.js';
import type { ResolvedRepo } from '../repos/merge.js';
import type { Rollup } from '../telemetry-files.js';
import type { AssignedSlots } from '../placement/slot-owner.js';
import { decideAgentStop, type AgentStop } from './agent-stop.js';
import { exitStreaks, type ExitRecord } from './exit-streak.js';
import { outsideDecisions, type ActiveRecord } from './active-record.js';
import { activeFile } from '../node-paths.js';
import { forgeState, type ForgeProbeRound } from './forge-probe.js';
import type { NodeSettings } from './node-settings.js';
import { parseDuration } from '../duration.js';
import { isProtectedRole } from '../pressure/index.js';
import {
  decideReclaim,
  EMPTY_RECLAIM,
  type ReclaimDecision,
  type ReclaimDone,
  type ReclaimMemory,
} from '../pressure/reclaim.js';
import { decideRunaways, EMPTY_RUNAWAYS, type AgentRun, type RunawayDecision, type RunawayMemory } from './runaway.js';

export interface ControlSources {
  overrides: Override[];
  halts: SupervisorHalt[];
  /** assignments.yaml: the slots placed on another node are halted here (absent in memory restored by older builds). */
  assignments?: AssignedSlots;
}

/** What the daemon carries from one cycle to the next; a restart rebuilds it from the run files and the telemetry branch. */
export interface CycleMemory {
  prev: PressureState;
  prevDecision: NodeDecision | undefined;
  prevRoles: RoleSummary | undefined;
  lastCommittedAt: number | undefined;
  /** Samples since the last commit. */
  rollup: Rollup | undefined;
  /** The control files last read: used while they cannot be read. */
  control: ControlSources;
  /** Runs watched for maxRuntime and each role's streak (absent: none yet). */
  runaways?: RunawayMemory;
  /** Reclaim back-offs and the last action done (absent: none yet). */
  reclaim?: ReclaimMemory;
}

/** The run files: decision.json is what the gate reads, the others what a restart decides from. */
export interface RunRecords {
  pressure: PressureState;
  decision: NodeDecision;
  roles: RoleSummary;
  runaways: RunawayMemory;
  reclaim: ReclaimMemory;
}

export interface NodeConfigInput {
  factory: Pick<FactoryConfig, 'roles' | 'nodes'>;
  repos: Pick<ResolvedRepo, 'slug' | 'config'>[];
  schedule: Record<string, number>;
}

export interface NodeCycleObserved {
  node: string;
  settings: NodeSettings;
  config: NodeConfigInput;
  sample: Sample | undefined;
  control: ControlSources;
  memory: CycleMemory;
  /** A stop of running agents is still in progress. */
  stopping: boolean;
  /** The agent runs now (the loop runner's, or those the sampler found) and the runaway stops in progress. */
  runs?: { now: readonly AgentRun[]; stopping: ReadonlySet<string> };
  /** Reclaim actions still running (by signal) and those ended before this sample. */
  reclaim?: { running: ReadonlySet<string>; done: readonly ReclaimDone[] };
  cron: CronContext;
  /** What factoryctl last wrote to the drop-in files, and the outside decisions in force (active-record.json). */
  activeRecord?: ActiveRecord;
  /** The gate's record of each slot's last run exit (exits/ in the run dir). */
  exits?: readonly ExitRecord[];
  /** The last forge probe round that finished (absent: none since the daemon started; the previous decision's state holds). */
  forgeProbe?: ForgeProbeRound;
  /**
   * false: this process does not probe the forges (no probe wired, or none kicked); the decision
   * then says nothing of them (default true)
   */
  forgeProbing?: boolean;
  now: number;
}

/** Everything one cycle does, as data: the records to write, the local plan per mechanism, a stop of running agents. */
export interface NodeCyclePlan {
  cycle: NodeCycle;
  assignments: Assignment[];
  records: RunRecords;
  local: LocalPlan;
  mechanisms: { haltFiles: boolean; crontab: boolean; loop: boolean };
  stop: AgentStop | undefined;
  runaway: RunawayDecision;
  reclaim: ReclaimDecision;
}

export function planNodeCycle(o: NodeCycleObserved): NodeCyclePlan {
  const { settings, memory } = o;
  const roles = o.config.factory.roles;
  const limits = Object.fromEntries(
    Object.entries(roles).map(([role, r]) => [
      role,
      r.maxRuntime === undefined || isProtectedRole(role, r) ? undefined : parseDuration(r.maxRuntime),
    ]),
  );
  const runaway = decideRunaways({
    runs: o.runs?.now ?? [],
    limits,
    memory: memory.runaways ?? EMPTY_RUNAWAYS,
    stopping: o.runs?.stopping ?? new Set(),
    now: o.now,
  });
  const reclaim = decideReclaim({
    policy: settings.policy,
    sample: o.sample,
    level: memory.prev.level,
    memory: memory.reclaim ?? EMPTY_RECLAIM,
    running: o.reclaim?.running ?? new Set(),
    done: o.reclaim?.done ?? [],
    now: o.now,
  });
  const names = activeNames(roles);
  const files = Object.fromEntries(Object.keys(roles).map((r) => [r, activeFile(settings.paths, r, names[r])]));
  const outside = outsideDecisions(o.activeRecord ?? {}, files);
  const assignments = assignmentsFor(o.node, o.config.factory, o.config.repos as ResolvedRepo[], o.config.schedule);
  const forge = forgeState(memory.prevDecision?.forge, o.forgeProbe, o.forgeProbing ?? true);
  const cycle = nodeCycle({
    node: o.node,
    prev: memory.prev,
    sample: o.sample,
    policy: settings.policy,
    roles: o.config.factory.roles,
    nodeRoles: settings.nodeRoles,
    assignments,
    control: o.control,
    prevDecision: memory.prevDecision,
    prevRoles: memory.prevRoles,
    lastCommittedAt: memory.lastCommittedAt,
    heartbeatMs: settings.heartbeatMs,
    runaways: runaway.memory.streaks,
    ...(reclaim.memory.last ? { reclaimed: reclaim.memory.last } : {}),
    ...(outside.length > 0 ? { outside } : {}),
    exits: exitStreaks(o.exits ?? []),
    ...(forge ? { forge } : {}),
    now: o.now,
  });
  const local = localPlan({
    assignments,
    roles: settings.nodeRoles,
    activeNames: names,
    stateOf: cycle.stateOf,
    paths: settings.paths,
    cron: o.cron,
  });
  const control = settings.control;
  return {
    cycle,
    assignments,
    records: {
      pressure: cycle.pressure.state,
      decision: cycle.decision,
      roles: cycle.roles,
      runaways: runaway.memory,
      reclaim: reclaim.memory,
    },
    local,
    mechanisms: {
      haltFiles: control.includes('halt-files'),
      crontab: control.includes('crontab'),
      loop: control.includes('loop'),
    },
    stop: decideAgentStop({ level: cycle.pressure.level, policy: settings.policy, stopping: o.stopping, control }),
    runaway,
    reclaim,
  };
}

/** roles.<role>.activeFile, for the roles that name their own drop-in file. */
function activeNames(roles: Record<string, { activeFile?: string | undefined }>): Record<string, string> {
  return Object.fromEntries(Object.entries(roles).flatMap(([r, c]) => (c.activeFile ? [[r, c.activeFile]] : [])));
}
