// Which node runs each agent slot: filter, then score, like a scheduler, but on measured memory
// rather than declared requests. Fixed-price VPSes cost the same idle, so slots are spread by
// headroom, not packed; a slot stays where it is unless its node stops qualifying or another is
// clearly better, so placements do not flap from one sample to the next.
import type { PlacedSlot } from './assignments-file.js';
import type { CandidateCell } from './candidate-rows.js';
import { nodesToKick } from './kick.js';
import { exclusion, headroomAfter, tallyOf, type NodeTally } from './qualify.js';
import type { PlacementInput, PlacementResult, PlacementSlot, SlotMove } from './types.js';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** How many nodes' reasons a "no node qualifies" sentence lists; every one is in the candidates. */
const REASONS_SHOWN = 8;

export function place(input: PlacementInput): PlacementResult {
  const tallies = [...input.nodes].sort((a, b) => byName(a.name, b.name)).map(tallyOf);
  const byNode = new Map(tallies.map((t) => [t.node.name, t]));
  // Heaviest first, so the big slots get the roomy nodes before small ones fill them; then by id.
  const order = [...input.slots].sort((a, b) => b.peakMb - a.peakMb || byName(a.id, b.id));
  const slots: Record<string, PlacedSlot> = {};
  const rows = new Map<string, CandidateCell[]>();
  const moves: SlotMove[] = [];
  let movesLeft = input.policy.maxMovesPerCycle;

  for (const slot of order) {
    const before = input.previous.slots[slot.id];
    const current = before?.node ?? null;
    // Placed as usual, so it runs on its node the moment the halt lifts (the halt itself stops it everywhere).
    const halt = input.haltedRoles[slot.role];
    const wide = halt === undefined ? '' : `${slot.role} is halted factory-wide (${halt}); when it resumes: `;
    const selector = Object.entries(slot.nodeSelector);
    const row: CandidateCell[] = new Array<CandidateCell>(tallies.length);
    rows.set(slot.id, row);
    let best: NodeTally | undefined;
    let bestScore = -Infinity;
    let currentScore: number | undefined;
    for (let i = 0; i < tallies.length; i += 1) {
      const t = tallies[i]!;
      const isCurrent = t.node.name === current;
      const excluded = exclusion(t, slot, selector, isCurrent);
      if (excluded !== undefined) {
        row[i] = excluded;
        continue;
      }
      const score = headroomAfter(t, slot);
      row[i] = Math.round(score);
      if (isCurrent) currentScore = score;
      if (score > bestScore) [best, bestScore] = [t, score]; // ties keep the first by name
    }

    const chosen = choose(slot, current, currentScore, best, bestScore, byNode, input.policy.stickinessMarginMb);
    if (chosen.voluntary) {
      if (movesLeft > 0) movesLeft -= 1;
      else chosen.to = current; // the cycle's moves are spent: stay, and say why
    }
    if (chosen.to === null || chosen.to === undefined) {
      const shown = tallies
        .slice(0, REASONS_SHOWN)
        .map((t, i) => `${t.node.name} ${typeof row[i] === 'number' ? 'qualifies' : row[i]!.excluded}`);
      const more = tallies.length > REASONS_SHOWN ? `; and ${tallies.length - REASONS_SHOWN} more` : '';
      const none = tallies.length === 0 ? 'no nodes' : `${shown.join('; ')}${more}`;
      // It waits where it is (so no other node's gate lets it run), or nowhere if its node is gone.
      const stay = current !== null && byNode.has(current) ? current : null;
      slots[slot.id] = { node: stay, halted: true, reason: `${wide}no node qualifies: ${none}` };
      continue;
    }
    const reason =
      chosen.voluntary && chosen.to === current
        ? `stays on ${current}: ${best!.node.name} has ${Math.round(bestScore - currentScore!)} MiB more headroom, but this cycle's ${input.policy.maxMovesPerCycle} moves are spent`
        : chosen.reason;
    const to = byNode.get(chosen.to)!;
    to.placedMb += slot.peakMb;
    to.perRole.set(slot.role, (to.perRole.get(slot.role) ?? 0) + 1);
    slots[slot.id] = { node: chosen.to, reason: wide + reason };
    if (chosen.to !== current) moves.push({ slot: slot.id, from: current, to: chosen.to, forced: !chosen.voluntary });
  }

  const assignments = {
    decidedAt: input.decidedAt,
    ...(input.epoch === undefined ? {} : { epoch: input.epoch }),
    slots: Object.fromEntries(
      Object.keys(slots)
        .sort(byName)
        .map((id) => [id, slots[id]!]),
    ),
  };
  const known = new Set(byNode.keys());
  return {
    assignments,
    candidates: { nodes: tallies.map((t) => t.node.name), bySlot: rows },
    kick: nodesToKick(input.previous, assignments).filter((n) => known.has(n)),
    moves,
  };
}

interface Choice {
  to: string | null | undefined;
  /** A move off a node that still qualifies: counted against maxMovesPerCycle. */
  voluntary: boolean;
  reason: string;
}

/** Stay, move or wait: the current node wins unless it stopped qualifying or another beats it by the margin. */
function choose(
  slot: PlacementSlot,
  current: string | null,
  currentScore: number | undefined,
  best: NodeTally | undefined,
  bestScore: number,
  byNode: ReadonlyMap<string, NodeTally>,
  marginMb: number,
): Choice {
  if (!best) return { to: null, voluntary: false, reason: '' };
  const mib = (v: number) => `${Math.round(v)} MiB`;
  const most = `most headroom after placement (${mib(bestScore)} above the level-1 line, peak ${slot.peakMb} MiB)`;
  if (current === null) return { to: best.node.name, voluntary: false, reason: most };
  if (currentScore === undefined) {
    const why = byNode.has(current) ? 'no longer qualifies' : 'is not a node any more';
    return { to: best.node.name, voluntary: false, reason: `moved off ${current}, which ${why}: ${most}` };
  }
  const gain = bestScore - currentScore;
  if (best.node.name !== current && gain > marginMb)
    return {
      to: best.node.name,
      voluntary: true,
      reason: `moved from ${current}: ${mib(gain)} more headroom than there (margin ${mib(marginMb)}): ${most}`,
    };
  const other =
    best.node.name === current
      ? 'the most headroom'
      : `${best.node.name} better by only ${mib(gain)} (margin ${mib(marginMb)})`;
  return {
    to: current,
    voluntary: false,
    reason: `stays on ${current} (${mib(currentScore)} above the level-1 line): ${other}`,
  };
}
