// Every node's standing for every slot, as one placement pass leaves it: per slot one array in the
// order of `nodes` (by name), a score (MiB above the level-1 line after placement) or a shared
// exclusion. 1,000 slots on 200 nodes are 200,000 standings: as a record of objects per slot they
// cost a pass several times its own work in allocation and garbage collection, and a steady cycle
// never reads them (assignments.yaml is rendered only when a slot changed).
import type { Candidate } from '../config/state-schema.js';
import type { Assignments, Placement } from './assignments-file.js';

export type CandidateCell = number | { excluded: string };
export interface CandidateRows {
  /** node names, by name: the order of every row */
  nodes: readonly string[];
  bySlot: ReadonlyMap<string, readonly CandidateCell[]>;
}

/** One slot's candidates as assignments.yaml has them: by node, a score or an exclusion. */
export function candidatesOf(rows: CandidateRows, slot: string): Record<string, Candidate> {
  const row = rows.bySlot.get(slot);
  const out: Record<string, Candidate> = {};
  if (row) rows.nodes.forEach((node, i) => (out[node] = cellCandidate(row[i]!)));
  return out;
}

export function cellCandidate(cell: CandidateCell): Candidate {
  return typeof cell === 'number' ? { score: cell } : cell;
}

/** A placement with each slot's candidates in place, as assignments.yaml reads back. */
export function withCandidates(placement: Placement, rows: CandidateRows): Assignments {
  const slots = Object.fromEntries(
    Object.entries(placement.slots).map(([id, s]) => [
      id,
      { ...s, candidates: s.candidates ?? candidatesOf(rows, id) },
    ]),
  );
  return { ...placement, slots };
}
