import { slotId } from './slot-id.js';
import type { AssignedSlots } from './placement/slot-owner.js';
import type { Policy } from './config/policy-schema.js';
import type { RoleConfig } from './config/roles-schema.js';
import type { NodeDecision, Override, SupervisorHalt } from './config/state-schema.js';
import type { Assignment } from './assignments.js';
import { effectiveState, type RoleQuery, type RoleState } from './effective-state.js';
import {
  decidePressure,
  rolesHaltedAtLevel,
  type PressureDecision,
  type PressureState,
  type Sample,
} from './pressure/index.js';
import { protectedRoleNames } from './roles/protected.js';
import { forgeEvent } from './node/forge-probe.js';

/** One line of a node's event journal (journal.jsonl on its telemetry branch). */
export interface JournalEvent {
  at: string;
  kind: string;
  reason: string;
  role?: string;
  repo?: string;
  level?: number;
  from?: number | string;
  to?: number | string;
}

/** What each role (and each repository's agent) was at the last cycle, by id: `dev` or `dev@owner/name`. */
export type RoleSummary = Record<string, { state: 'run' | 'halt'; source: RoleState['source'] }>;

export interface NodeCycleInput {
  node: string;
  prev: PressureState;
  sample: Sample | undefined;
  policy: Policy;
  roles: Record<string, Pick<RoleConfig, 'protected' | 'haltLevel'>>;
  /** The roles whose role-wide state this node keeps (its entry in factory.yaml). */
  nodeRoles: string[];
  assignments: Assignment[];
  control: { overrides: Override[]; halts: SupervisorHalt[]; assignments?: AssignedSlots };
  prevDecision: NodeDecision | undefined;
  prevRoles: RoleSummary | undefined;
  /** When telemetry was last committed; undefined: never. */
  lastCommittedAt: number | undefined;
  heartbeatMs: number;
  /** Per role, its runs stopped past maxRuntime in a row (runaway.ts): reported in the decision. */
  runaways?: NonNullable<NodeDecision['runaways']>;
  /** Per slot, its runs that exited non-zero in a row (node/exit-streak.ts): reported in the decision. */
  exits?: NonNullable<NodeDecision['exits']>;
  /** The last reclaim action (pressure/reclaim.ts): reported in the decision. */
  reclaimed?: NodeDecision['reclaimed'];
  /** Other writers' changes to the drop-in files, in force: reported in the decision for the gate and status. */
  outside?: NodeDecision['outside'];
  /** The forges as this node's probes found them (node/forge-probe.ts): reported in the decision for the leader's alerts. */
  forge?: NodeDecision['forge'];
  now: number;
}

export interface NodeCycle {
  pressure: PressureDecision;
  decision: NodeDecision;
  /** Effective state of any role or assignment on this node: overrides, else the most severe of supervisor and node. */
  stateOf: (query: { role: string; repo?: string }) => RoleState;
  /** The node's roles and its assignments, as computed this cycle. */
  roleStates: RoleState[];
  roles: RoleSummary;
  events: JournalEvent[];
  /** Commit telemetry now: something changed, or the heartbeat is due; false: nothing to say. */
  commit: false | 'change' | 'heartbeat';
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One cycle of the node daemon, as data: the pressure decision on this sample, the node's own
 * decision (what the gate reads), the effective state of every role and assignment, the journal
 * lines, and whether telemetry is due. Level-based: it needs only the previous cycle's records,
 * so a restarted daemon (or `node --once` from cron) decides exactly as a running one.
 */
export function nodeCycle(input: NodeCycleInput): NodeCycle {
  const { node, now } = input;
  const pressure = decidePressure(input.prev, input.sample, input.policy, now);
  const halted = rolesHaltedAtLevel(pressure.level, input.roles);
  const sameLevel = input.prevDecision?.level === pressure.level && input.prevDecision.node === node;
  const since =
    pressure.state.since !== null ? iso(pressure.state.since) : sameLevel ? input.prevDecision!.since : iso(now);
  const decision: NodeDecision = {
    node,
    level: pressure.level,
    halted,
    reason: pressure.reason,
    since,
    updatedAt: iso(now),
    // What the supervisor waits for before a slot leaving this node may start elsewhere.
    ...(input.control.assignments?.decidedAt ? { placementSeen: input.control.assignments.decidedAt } : {}),
    ...(input.runaways && Object.keys(input.runaways).length > 0 ? { runaways: input.runaways } : {}),
    ...(input.exits && Object.keys(input.exits).length > 0 ? { exits: input.exits } : {}),
    ...(input.reclaimed ? { reclaimed: input.reclaimed } : {}),
    ...(input.outside?.length ? { outside: input.outside } : {}),
    ...(input.forge ? { forge: input.forge } : {}),
  };

  const protectedRoles = protectedRoleNames(input.roles);
  const sources = {
    overrides: input.control.overrides,
    halts: input.control.halts,
    nodeDecision: decision,
    protectedRoles,
    ...(input.control.assignments ? { assignments: input.control.assignments } : {}),
  };
  const stateOf = (q: { role: string; repo?: string }): RoleState => {
    const query: RoleQuery = { role: q.role, node, ...(q.repo !== undefined ? { repo: q.repo } : {}) };
    return effectiveState(query, sources, now);
  };
  const queries = [
    ...input.nodeRoles.map((role) => ({ role })),
    ...input.assignments.filter((a) => a.repo !== undefined).map((a) => ({ role: a.role, repo: a.repo! })),
  ];
  const roleStates = queries.map(stateOf);
  const roles: RoleSummary = Object.fromEntries(
    roleStates.map((s) => [slotId(s), { state: s.state, source: s.source }]),
  );

  const events: JournalEvent[] = pressure.events.map((e) => {
    const { kind, at, reason } = e;
    const base: JournalEvent = { at: iso(at), kind, reason };
    if (e.kind === 'level-changed') return { ...base, from: e.from, to: e.to };
    if (e.kind === 'halt-pending' || e.kind === 'spike-ignored') return { ...base, level: e.level };
    return base;
  });
  const forgeFlip = forgeEvent(input.prevDecision?.forge, decision.forge);
  if (forgeFlip) events.push(forgeFlip);
  for (const s of roleStates) {
    const before = input.prevRoles?.[slotId(s)];
    if (before ? before.state === s.state : s.state === 'run') continue;
    events.push({
      at: iso(now),
      kind: s.state === 'halt' ? 'role-halted' : 'role-resumed',
      role: s.role,
      ...(s.repo !== undefined ? { repo: s.repo } : {}),
      from: before?.source ?? 'none',
      to: s.source,
      reason: s.reason,
    });
  }

  const decisionChanged =
    !input.prevDecision ||
    input.prevDecision.level !== decision.level ||
    input.prevDecision.halted.join() !== halted.join() ||
    input.prevDecision.placementSeen !== decision.placementSeen ||
    JSON.stringify(input.prevDecision.runaways) !== JSON.stringify(decision.runaways) ||
    JSON.stringify(input.prevDecision.exits) !== JSON.stringify(decision.exits) ||
    JSON.stringify(input.prevDecision.reclaimed) !== JSON.stringify(decision.reclaimed) ||
    JSON.stringify(input.prevDecision.outside) !== JSON.stringify(decision.outside) ||
    // The forge's state flipping is news; a failing forge's error text changing rides on the next commit.
    input.prevDecision.forge?.ok !== decision.forge?.ok;
  const rolesChanged = JSON.stringify(input.prevRoles ?? {}) !== JSON.stringify(roles);
  const commit =
    decisionChanged || rolesChanged || events.length > 0
      ? 'change'
      : input.lastCommittedAt === undefined || now - input.lastCommittedAt >= input.heartbeatMs
        ? 'heartbeat'
        : false;
  return { pressure, decision, stateOf, roleStates, roles, events, commit };
}
