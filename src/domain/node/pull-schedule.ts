/** How often the control repo is pulled (and the config re-read): the gate's staleness counts on it. */
export const PULL_EVERY_MS = 30_000;

/** join: a pull runs, wait for it; start: a new pull; skip: not due yet. */
export type PullStep = 'join' | 'start' | 'skip';

/** A pull is due when PULL_EVERY_MS passed since the last one started, or when forced; never two at once. */
export function pullStep(input: { now: number; lastPullAt: number; force: boolean; running: boolean }): PullStep {
  if (input.running) return 'join';
  return input.force || input.now - input.lastPullAt >= PULL_EVERY_MS ? 'start' : 'skip';
}
