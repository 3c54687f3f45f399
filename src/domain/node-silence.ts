import type { NodeDecision } from './config/state-schema.js';
import { parseDuration } from './duration.js';

/** However fast a node samples, two minutes of silence are needed before its decision is ignored. */
export const MIN_SILENCE_MS = 120_000;

/** How long a node's decision holds without an update: ten samples it should have taken, at least two minutes. */
export function nodeSilenceMs(sampleIntervalMs: number): number {
  return Math.max(10 * sampleIntervalMs, MIN_SILENCE_MS);
}

/** A node's bound as factory.yaml sets it: from its own sampleInterval, else the factory's. */
export function configuredSilenceMs(
  policy: { sampleInterval: string },
  node: { policy?: { sampleInterval?: string } } | undefined,
): number {
  return nodeSilenceMs(parseDuration(node?.policy?.sampleInterval ?? policy.sampleInterval));
}

export type NodeDecisionCheck =
  { live: true; decision: NodeDecision } | { live: false; decision: NodeDecision; note: string };

/**
 * A dead node daemon's decision must not hold forever: past `silenceMs` without an update it
 * is ignored (a halt it left is lifted, the other sources decide) and the note says since when.
 */
export function checkNodeDecision(decision: NodeDecision, now: number, silenceMs: number): NodeDecisionCheck {
  const updated = Date.parse(decision.updatedAt);
  if (Number.isFinite(updated) && now - updated <= silenceMs) return { live: true, decision };
  const halted = decision.halted.length > 0 ? `, halting ${decision.halted.join(', ')}` : '';
  return {
    live: false,
    decision,
    note: `node daemon silent since ${decision.updatedAt}: its decision (level ${decision.level}${halted}) is ignored (stale after ${Math.round(silenceMs / 1000)} s)`,
  };
}
