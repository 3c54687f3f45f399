// Every role on every node, by one rule for the gate (one cell), the node, `factoryctl status` and
// STATUS.md: the effective state, with a silent node's decision left out and the node shown STALE.
import type { NodeDecision, Override, SupervisorHalt } from './config/state-schema.js';
import { nodeEntry } from './control-view.js';
import { effectiveState, type RoleQuery, type RoleState } from './effective-state.js';
import { checkNodeDecision, MIN_SILENCE_MS } from './node-silence.js';
import { protectedRoleNames } from './roles/protected.js';
import type { AssignedSlots } from './placement/slot-owner.js';
import { parseSlotId } from './slot-id.js';
import { withOutside } from './node/outside-layer.js';

export interface GridSources {
  roles: Record<string, { protected?: boolean }>;
  /** factory.yaml's nodes ("default" for any machine not listed); silenceMs: how long a decision holds. */
  nodes: Record<string, { roles: string[]; silenceMs?: number }>;
  overrides: Override[];
  halts: SupervisorHalt[];
  /** assignments.yaml: a slot placed on another node is halted on this one. */
  assignments?: AssignedSlots;
  /** Each node's own decision as last read, live or not. */
  decisions: ReadonlyMap<string, NodeDecision>;
  now: number;
}

/** A node's decision that still counts; `stale` says why one that no longer counts is ignored. */
export interface NodeStanding {
  node: string;
  decision?: NodeDecision;
  stale?: string;
}

export interface RoleGrid {
  nodes: NodeStanding[];
  rows: RoleState[];
}

/** Past its node's silence bound a decision no longer counts (node-silence.ts). */
export function nodeStanding(node: string, s: GridSources): NodeStanding {
  const read = s.decisions.get(node);
  if (!read) return { node };
  const checked = checkNodeDecision(read, s.now, nodeEntry(s.nodes, node)?.silenceMs ?? MIN_SILENCE_MS);
  return checked.live ? { node, decision: read } : { node, stale: checked.note };
}

/** One cell: a role (or one repository's agent) on one node. */
export function roleCell(query: RoleQuery, s: GridSources, standing = nodeStanding(query.node, s)): RoleState {
  const nodeDecision = standing.decision;
  const sources = {
    overrides: s.overrides,
    halts: s.halts,
    protectedRoles: protectedRoleNames(s.roles),
    ...(nodeDecision ? { nodeDecision } : {}),
    ...(s.assignments ? { assignments: s.assignments } : {}),
  };
  return withOutside(effectiveState(query, sources, s.now), nodeDecision);
}

/** One node's row group: each of its roles, then a row per repository a scoped entry or a placed slot names. */
export function nodeRows(node: string, s: GridSources, standing = nodeStanding(node, s)): RoleState[] {
  const rows: RoleState[] = [];
  for (const role of nodeEntry(s.nodes, node)?.roles ?? Object.keys(s.roles)) {
    rows.push(roleCell({ role, node }, s, standing));
    const placed = Object.keys(s.assignments?.slots ?? {}).map(parseSlotId);
    const repos = new Set(
      [...s.overrides, ...s.halts, ...placed]
        .filter((e) => e.role === role && e.repo && (!('node' in e) || !e.node || e.node === node))
        .map((e) => e.repo!),
    );
    for (const repo of repos) rows.push(roleCell({ role, node, repo }, s, standing));
  }
  return rows;
}

/**
 * The whole grid: the nodes factory.yaml names, those that reported a decision (a silent one
 * too: shown STALE), and `self` (always, or only when there is no other).
 */
export function roleGrid(s: GridSources, self: { node: string; always: boolean }): RoleGrid {
  const known = new Set([...Object.keys(s.nodes).filter((n) => n !== 'default'), ...s.decisions.keys()]);
  if (self.always || known.size === 0) known.add(self.node);
  const nodes = [...known].sort().map((node) => nodeStanding(node, s));
  return { nodes, rows: nodes.flatMap((n) => nodeRows(n.node, s, n)) };
}
