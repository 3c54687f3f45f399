import type { Candidate } from '../config/state-schema.js';
import type { PlacementNode, PlacementSlot } from './types.js';

type Excluded = Extract<Candidate, { excluded: string }>;

/**
 * A node's running tally during one placement pass. Exclusions that depend only on the node and
 * the role (or a label) are built once and shared: a pass over 1,000 slots and 200 nodes would
 * otherwise allocate the same sentence 200,000 times.
 */
export interface NodeTally {
  node: PlacementNode;
  roles: ReadonlySet<string>;
  /** MiB available for slots before this pass charges any: measured available plus what its agents held. */
  baseFreeMb: number | undefined;
  /** MiB of peaks charged to it so far this pass. */
  placedMb: number;
  /** Slots placed on it so far this pass, per role. */
  perRole: Map<string, number>;
  /** Per role, the node-and-role exclusion (null: none), for a slot new here [0] or already here [1]. */
  byRole: [Map<string, Excluded | null>, Map<string, Excluded | null>];
  byLabel: Map<string, Map<string, Excluded>>;
  /** A role's cap once reached: the count only grows during a pass, so it stays reached. */
  capped: Map<string, Excluded>;
}

export function tallyOf(node: PlacementNode): NodeTally {
  const baseFreeMb = node.memAvailableMb === undefined ? undefined : node.memAvailableMb + (node.agentsUsedMb ?? 0);
  return {
    node,
    roles: new Set(node.roles),
    baseFreeMb,
    placedMb: 0,
    perRole: new Map(),
    byRole: [new Map(), new Map()],
    byLabel: new Map(),
    capped: new Map(),
  };
}

/** MiB above the node's level-1 line once this slot's peak is charged there: the score, when it qualifies. */
export function headroomAfter(t: NodeTally, slot: PlacementSlot): number {
  return (t.baseFreeMb ?? 0) - t.placedMb - slot.peakMb - t.node.level1FreeMb;
}

const excluded = (why: string): Excluded => ({ excluded: why });

/** Whether the node may run the role at all now: role allowed, liveness, halts. */
function roleExclusion(t: NodeTally, role: string, isCurrent: boolean): Excluded | null {
  const n = t.node;
  if (!t.roles.has(role)) return excluded(`does not run ${role}`);
  if (n.liveness === 'down') return excluded(n.livenessReason ? `down: ${n.livenessReason}` : 'down');
  if (n.liveness === 'suspect' && !isCurrent)
    return excluded(n.livenessReason ? `suspect, no new work: ${n.livenessReason}` : 'suspect, no new work');
  const halted = n.haltedRoles[role];
  return halted === undefined ? null : excluded(`${role} halted here: ${halted}`);
}

function labelExclusion(t: NodeTally, key: string, value: string): Excluded | undefined {
  const has = t.node.labels[key];
  if (has === value) return undefined;
  let values = t.byLabel.get(key);
  if (!values) t.byLabel.set(key, (values = new Map()));
  let out = values.get(value);
  if (!out) {
    out = excluded(has === undefined ? `no label ${key}=${value}` : `label ${key}=${has}, wants ${value}`);
    values.set(value, out);
  }
  return out;
}

/**
 * Why this node cannot take the slot now, or undefined when it qualifies. The filter of a
 * scheduler: checked in this order so the reason shown is the most basic one.
 * A suspect node keeps the slots it has (`isCurrent`) but is given no new one.
 */
export function exclusion(
  t: NodeTally,
  slot: PlacementSlot,
  selector: readonly [string, string][],
  isCurrent: boolean,
): Excluded | undefined {
  const cache = t.byRole[isCurrent ? 1 : 0];
  let byRole = cache.get(slot.role);
  if (byRole === undefined) cache.set(slot.role, (byRole = roleExclusion(t, slot.role, isCurrent)));
  if (byRole) return byRole;
  for (const [key, value] of selector) {
    const miss = labelExclusion(t, key, value);
    if (miss) return miss;
  }
  const capped = t.capped.get(slot.role);
  if (capped) return capped;
  const cap = t.node.caps[slot.role];
  if (cap !== undefined && (t.perRole.get(slot.role) ?? 0) >= cap) {
    const out = excluded(`cap: ${cap} of ${cap} ${slot.role} slots`);
    t.capped.set(slot.role, out);
    return out;
  }
  const n = t.node;
  if (t.baseFreeMb === undefined) return excluded('memory not measured');
  if (n.memTotalMb !== undefined && slot.peakMb > n.memTotalMb - n.level1FreeMb)
    return excluded(
      `too small: ${slot.peakMb} MiB peak, ${n.memTotalMb} MiB total, level-1 line ${n.level1FreeMb} MiB`,
    );
  if (headroomAfter(t, slot) < 0)
    return excluded(
      `no room: ${Math.round(t.baseFreeMb - t.placedMb)} MiB free - ${slot.peakMb} MiB peak < level-1 line ${n.level1FreeMb} MiB`,
    );
  return undefined;
}
