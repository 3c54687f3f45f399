import { reclaimFigure, type ReclaimDone, type ReclaimRun } from '../../domain/pressure/reclaim.js';
import type { Sample } from '../../domain/pressure/index.js';
import type { NodeLoopDeps } from './deps.js';

/**
 * Runs reclaim actions beside the sampling loop (one list per signal at a time), each followed by a
 * sample of its own: what it freed is that sample's figure against the one before it.
 */
export interface Reclaimer {
  /** What the plan needs this cycle: the signals still reclaiming, the actions ended since the last call. */
  observe(): { running: ReadonlySet<string>; done: ReclaimDone[] };
  start(runs: readonly ReclaimRun[], sample: Sample | undefined): void;
  /** Waits for the actions in progress; true when some ended and wait for a sample to be journaled. */
  settle(): Promise<boolean>;
}

export function createReclaimer(deps: NodeLoopDeps, sampleNow: () => Promise<Sample>): Reclaimer {
  const running = new Map<string, Promise<void>>();
  let ended: ReclaimDone[] = [];

  const runList = async (run: ReclaimRun, sample: Sample | undefined): Promise<void> => {
    let before = reclaimFigure(run.signal, sample);
    for (const action of run.actions) {
      deps.log(`reclaim ${run.signal}: running ${JSON.stringify(action.command)}`);
      const outcome = await deps.machine.runCommand(action.command, action.timeoutMs);
      const after = reclaimFigure(run.signal, await sampleNow().catch(() => undefined));
      ended.push({
        signal: run.signal,
        command: action.command,
        code: outcome.code,
        timedOut: outcome.timedOut,
        ms: outcome.ms,
        timeoutMs: action.timeoutMs,
        before,
        after,
      });
      // What the previous action freed is not counted again for the next.
      before = after ?? before;
    }
  };

  return {
    observe() {
      const done = ended;
      ended = [];
      return { running: new Set(running.keys()), done };
    },
    start(runs, sample) {
      for (const run of runs) {
        deps.log(run.reason);
        const done = runList(run, sample)
          .catch((error: Error) => deps.log(`reclaim ${run.signal} failed: ${error.message}`))
          .finally(() => running.delete(run.signal));
        running.set(run.signal, done);
      }
    },
    async settle() {
      await Promise.all(running.values());
      return ended.length > 0;
    },
  };
}
