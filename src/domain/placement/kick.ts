import type { Placement } from './assignments-file.js';

/**
 * Nodes whose slots changed between two placements: a slot came, left, or was halted or resumed
 * there. Those are kicked over SSH right after the commit lands; the others learn at their next pull.
 */
export function nodesToKick(before: Placement, after: Placement): string[] {
  const out = new Set<string>();
  for (const id of new Set([...Object.keys(before.slots), ...Object.keys(after.slots)])) {
    const a = before.slots[id];
    const b = after.slots[id];
    if (a?.node === b?.node && (a?.halted ?? false) === (b?.halted ?? false) && !a?.handoff === !b?.handoff) continue;
    if (a?.node) out.add(a.node);
    if (b?.node) out.add(b.node);
  }
  return [...out].sort();
}
