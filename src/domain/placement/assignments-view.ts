// `factoryctl assignments`, `status` and STATUS.md: each slot of assignments.yaml with its candidates
// ranked, best first, so "why this node" reads off the first lines.
import type { Assignments } from './assignments-file.js';

export interface ScoredCandidate {
  node: string;
  /** MiB free above the node's level-1 line after placing the slot there. */
  score: number;
}
export interface ExcludedCandidate {
  node: string;
  excluded: string;
}

export interface AssignmentView {
  slot: string;
  /** null: no node runs it, the slot waits. */
  node: string | null;
  halted: boolean;
  reason: string;
  /** Best score first (ties by name). */
  candidates: ScoredCandidate[];
  /** By name. */
  excluded: ExcludedCandidate[];
}

export interface AssignmentsView {
  decidedAt?: string;
  epoch?: number;
  slots: AssignmentView[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function assignmentsView(doc: Assignments): AssignmentsView {
  const slots = Object.keys(doc.slots)
    .sort(byName)
    .map((slot): AssignmentView => {
      const a = doc.slots[slot]!;
      const candidates: ScoredCandidate[] = [];
      const excluded: ExcludedCandidate[] = [];
      for (const [node, c] of Object.entries(a.candidates))
        if ('score' in c) candidates.push({ node, score: c.score });
        else excluded.push({ node, excluded: c.excluded });
      candidates.sort((x, y) => y.score - x.score || byName(x.node, y.node));
      excluded.sort((x, y) => byName(x.node, y.node));
      return { slot, node: a.node, halted: a.halted === true, reason: a.reason, candidates, excluded };
    });
  return {
    ...(doc.decidedAt !== undefined ? { decidedAt: doc.decidedAt } : {}),
    ...(doc.epoch !== undefined ? { epoch: doc.epoch } : {}),
    slots,
  };
}

/** Runs nowhere now: no node, or halted where it stays. */
export function isWaiting(a: Pick<AssignmentView, 'node' | 'halted'>): boolean {
  return a.node === null || a.halted;
}
