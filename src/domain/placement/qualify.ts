import type { PlacementNode, PlacementSlot } from './types.js';

/** A node's running tally during one placement pass. */
export interface NodeTally {
  node: PlacementNode;
  /** MiB available for slots before this pass charges any: measured available plus what its agents held. */
  baseFreeMb: number | undefined;
  /** MiB of peaks charged to it so far this pass. */
  placedMb: number;
  /** Slots placed on it so far this pass, per role. */
  perRole: Map<string, number>;
}

export function tallyOf(node: PlacementNode): NodeTally {
  const baseFreeMb = node.memAvailableMb === undefined ? undefined : node.memAvailableMb + (node.agentsUsedMb ?? 0);
  return { node, baseFreeMb, placedMb: 0, perRole: new Map() };
}

/** MiB above the node's level-1 line once this slot's peak is charged there: the score, when it qualifies. */
export function headroomAfter(t: NodeTally, slot: PlacementSlot): number {
  return (t.baseFreeMb ?? 0) - t.placedMb - slot.peakMb - t.node.level1FreeMb;
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
): string | undefined {
  const n = t.node;
  if (!n.roles.includes(slot.role)) return `does not run ${slot.role}`;
  if (n.liveness === 'down') return n.livenessReason ? `down: ${n.livenessReason}` : 'down';
  if (n.liveness === 'suspect' && !isCurrent)
    return n.livenessReason ? `suspect, no new work: ${n.livenessReason}` : 'suspect, no new work';
  const halted = n.haltedRoles[slot.role];
  if (halted !== undefined) return `${slot.role} halted here: ${halted}`;
  for (const [key, value] of selector) {
    const has = n.labels[key];
    if (has !== value) return has === undefined ? `no label ${key}=${value}` : `label ${key}=${has}, wants ${value}`;
  }
  const cap = n.caps[slot.role];
  const placed = t.perRole.get(slot.role) ?? 0;
  if (cap !== undefined && placed >= cap) return `cap: ${placed} of ${cap} ${slot.role} slots`;
  if (t.baseFreeMb === undefined) return 'memory not measured';
  if (n.memTotalMb !== undefined && slot.peakMb > n.memTotalMb - n.level1FreeMb)
    return `too small: ${slot.peakMb} MiB peak, ${n.memTotalMb} MiB total, level-1 line ${n.level1FreeMb} MiB`;
  const after = headroomAfter(t, slot);
  if (after < 0)
    return `no room: ${Math.round(t.baseFreeMb - t.placedMb)} MiB free - ${slot.peakMb} MiB peak < level-1 line ${n.level1FreeMb} MiB`;
  return undefined;
}
