import type { TelemetryUpdate } from '../../domain/telemetry-files.js';
import type { TelemetryBranch } from './branch.js';

export interface TelemetryQueue {
  /** Commits locally in order, then pushes; never awaited by the sampling loop. */
  enqueue(update: TelemetryUpdate, message: string): void;
  /** Pushes what is queued (after a failure, the daemon retries on its own period). */
  retryPush(): void;
  /** Local commits not yet on the remote, as far as the last push knows. */
  readonly pending: boolean;
  /** Waits for queued commits and the push in flight, at most `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
}

/**
 * Local protection never waits for the forge: commits to the local branch are serialised (they
 * are fast, local git), and at most one push runs at a time, bounded by its own timeout. A
 * failed push leaves the commits queued on the local branch; the next push carries them all.
 */
export function createTelemetryQueue(getBranch: () => TelemetryBranch, log: (line: string) => void): TelemetryQueue {
  let commits: Promise<void> = Promise.resolve();
  let pushing: Promise<void> | undefined;
  let again = false;
  let pending = false;
  let failing: string | undefined;

  const push = () => {
    if (pushing) {
      again = true;
      return;
    }
    pushing = (async () => {
      do {
        again = false;
        const outcome = await getBranch()
          .push()
          .catch((error: Error) => ({ ok: false, pending: true, error: error.message }));
        pending = outcome.pending;
        if (!outcome.ok) {
          if (failing === undefined) log(`telemetry queued locally, the push failed: ${outcome.error}`);
          failing = outcome.error ?? 'push failed';
          return;
        }
        if (failing !== undefined) log('telemetry push works again: queued commits landed');
        failing = undefined;
      } while (again);
    })().finally(() => {
      pushing = undefined;
    });
  };

  return {
    enqueue(update, message) {
      pending = true;
      commits = commits
        .then(() => getBranch().commit(update, message))
        .then(
          (result) => {
            if (result.compacted) log(`telemetry branch compacted into one commit (${result.sha.slice(0, 12)})`);
            push();
          },
          (error: Error) => log(`telemetry commit failed: ${error.message}`),
        );
    },
    retryPush() {
      if (pending) push();
    },
    get pending() {
      return pending;
    },
    async flush(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      const work = (async () => {
        await commits;
        while (pushing) await pushing;
      })();
      await Promise.race([work, bound]);
      clearTimeout(timer);
    },
  };
}
