import { batchMessage } from '../../domain/telemetry-message.js';
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
 * Cycles that come while a commit is being made wait together and land as one commit: on a
 * loaded machine a commit can take longer than a cycle, and a backlog of one commit per cycle
 * would grow without end (and hold a stopping daemon long past its flush bound).
 */
export function createTelemetryQueue(getBranch: () => TelemetryBranch, log: (line: string) => void): TelemetryQueue {
  let queued: { update: TelemetryUpdate; message: string }[] = [];
  let committing: Promise<void> | undefined;
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

  const commitQueued = () => {
    if (committing) return;
    committing = (async () => {
      try {
        while (queued.length > 0) {
          const batch = queued;
          queued = [];
          try {
            const result = await getBranch().commit(
              batch.map((b) => b.update),
              batchMessage(batch.map((b) => b.message)),
            );
            if (result.compacted) log(`telemetry branch compacted into one commit (${result.sha.slice(0, 12)})`);
            push();
          } catch (error) {
            log(`telemetry commit failed: ${(error as Error).message}`);
          }
        }
      } finally {
        // In the same turn as the loop's last check: an enqueue can never find a worker that is about to stop.
        committing = undefined;
      }
    })();
  };

  return {
    enqueue(update, message) {
      pending = true;
      queued.push({ update, message });
      commitQueued();
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
        while (committing) await committing;
        while (pushing) await pushing;
      })();
      await Promise.race([work, bound]);
      clearTimeout(timer);
    },
  };
}
