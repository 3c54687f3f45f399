import type { Layer, RoleQuery } from '../effective-state.js';
import { slotId } from '../slot-id.js';

/** assignments.yaml as the gate and the node read it: each slot's node, or null while no node qualifies. */
export interface AssignedSlots {
  slots: Record<string, { node: string | null; halted?: boolean; reason: string; handoff?: { from: string } }>;
  decidedAt: string;
}

/**
 * One place at a time: a slot the newest assignments give to another node is halted here, so a
 * node cut off with stale crontab lines cannot run work twice. A query for one repository's agent
 * falls back to its role's factory-wide slot; a slot assignments.yaml does not list runs where
 * factory.yaml puts it (a factory that never ran placement is unchanged).
 */
export function placementLayer(assigned: AssignedSlots, query: RoleQuery): Layer | undefined {
  const entry = slotEntry(assigned, query);
  if (!entry || (entry.node === query.node && !entry.halted && !entry.handoff)) return undefined;
  const reason =
    entry.node === null || entry.halted
      ? `waiting for a node: ${entry.reason}`
      : entry.node === query.node
        ? `arriving from ${entry.handoff!.from}: waits until it has applied the move and finished its run`
        : `assigned to ${entry.node}: ${entry.reason}`;
  return { state: 'halt', reason, by: 'placement', since: assigned.decidedAt };
}

function slotEntry(assigned: AssignedSlots, query: Omit<RoleQuery, 'node'>) {
  return (
    (query.repo !== undefined ? assigned.slots[slotId(query)] : undefined) ??
    assigned.slots[slotId({ role: query.role })]
  );
}

/**
 * The slot is placed by the supervisor (it has an entry in assignments.yaml). Its gate fails
 * closed on a stale control repo whatever the role's weight: the leader moves the slots of a node
 * it cannot hear from, so a node that cannot sync must stop them first (gate.maxStaleness is
 * shorter than the time to call a node down; validate warns otherwise).
 */
export function isPlaced(assigned: AssignedSlots, query: Omit<RoleQuery, 'node'>): boolean {
  return slotEntry(assigned, query) !== undefined;
}
