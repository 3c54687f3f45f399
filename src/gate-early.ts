// Starts the gate's pull before anything else is loaded (bin/factoryctl.cjs requires this tiny
// file first): git then talks to the remote while node compiles and runs the code that answers.
import { splitGlobal } from './cli-common.js';
import { findControlDir } from './commands/context.js';
import { cachedPullTimeout } from './adapters/control-repo/pull-timeout.js';
import { pullFastForward, type PullOutcome } from './adapters/git/pull.js';
import { mayHaveRemote } from './adapters/git/remote.js';

export interface EarlyPull {
  dir: string;
  outcome: Promise<PullOutcome>;
}

/** The gate's pull: main alone, without git's housekeeping (the node daemon's pulls keep the clone packed). */
export const GATE_PULL = { housekeeping: false, upstreamOnly: true } as const;

const KEY = Symbol.for('factoryctl.gate.early-pull');

export function startEarlyPull(argv: string[]): void {
  try {
    const { global, rest } = splitGlobal(argv);
    if (rest.includes('--no-pull') || rest.includes('--help') || rest.includes('-h')) return;
    const dir = findControlDir(global.dir, process.env, process.cwd());
    if (!dir || !mayHaveRemote(dir)) return;
    const early: EarlyPull = {
      dir,
      outcome: pullFastForward(dir, cachedPullTimeout(dir), Date.now, GATE_PULL),
    };
    (globalThis as Record<symbol, unknown>)[KEY] = early;
  } catch {
    // the gate proper reports any problem with its arguments or its folder
  }
}

/** The pull already under way for this control repo, if the bin started one. */
export function takeEarlyPull(dir: string): Promise<PullOutcome> | undefined {
  const early = (globalThis as Record<symbol, unknown>)[KEY] as EarlyPull | undefined;
  return early && early.dir === dir ? early.outcome : undefined;
}

// The gate asks here for the bound of a pull it starts itself (--no-pull aside).
export { cachedPullTimeout };
