// Moving a slot is a hand-over, not a jump: the node it leaves learns of the move at its next pull
// (or kick) and may be in the middle of a run, so the slot starts on its new node only once the old
// one has let it go: its telemetry says it applied a placement at least as new as the move, and its
// sampler shows no run of the role going. A node called down lets go at once: its gate has failed
// closed since its control repo went stale (gate.maxStaleness is shorter than the time to down).
import type { PlacedSlot, Placement } from './assignments-file.js';

/** What the leaving node's telemetry shows, for a hand-over; undefined: no such node any more. */
export interface LeavingNode {
  down: boolean;
  /** decidedAt of the newest assignments.yaml it applied (its decision.json) */
  placementSeen?: string;
  /** roles with a run going at its last sample */
  running: readonly string[];
}

const roleOf = (id: string) => id.split('@')[0]!;

/** The placement with each moved slot held until the node it left has let it go. */
export function withHandoffs(
  previous: Placement,
  next: Placement,
  leaving: (node: string) => LeavingNode | undefined,
): Placement {
  const slots: Record<string, PlacedSlot> = {};
  for (const [id, b] of Object.entries(next.slots)) {
    const { handoff: _dropped, ...rest } = b;
    const a = previous.slots[id];
    const pending =
      a?.handoff && a.node === b.node
        ? a.handoff
        : a?.node && b.node && a.node !== b.node && !a.handoff
          ? { from: a.node, since: next.decidedAt ?? '' }
          : a?.handoff && b.node && a.handoff.from !== b.node
            ? a.handoff // moved on again before the first node let go: it still has to
            : undefined;
    const held = pending && b.node && !letGo(leaving(pending.from), pending.since, roleOf(id));
    slots[id] = held ? { ...rest, handoff: pending } : rest;
  }
  return { ...next, slots };
}

function letGo(node: LeavingNode | undefined, since: string, role: string): boolean {
  if (!node || node.down) return true;
  // Both times are the supervisor's own decidedAt strings (ISO, UTC): no two clocks are compared.
  return node.placementSeen !== undefined && node.placementSeen >= since && !node.running.includes(role);
}
