// `factoryctl logs --follow`: read everything again on each interval (level-based, like every loop
// here) and print only the events the last read did not have.
import { freshEvents, type SeenEvents } from '../../domain/logs/follow.js';
import type { LogEvent } from '../../domain/logs/log-event.js';

export interface FollowDeps {
  /** Fetches and reads the merged, filtered events. */
  read(): Promise<LogEvent[]>;
  print(events: readonly LogEvent[]): void;
  /** Resolves after the interval; false when the follow is to end (a signal, a closed stdout). */
  wait(): Promise<boolean>;
}

/** Prints what is there, then what lands, until `wait` says stop. */
export async function followLogs(deps: FollowDeps): Promise<void> {
  let seen: SeenEvents = new Map();
  do {
    const step = freshEvents(seen, await deps.read());
    seen = step.seen;
    if (step.fresh.length > 0) deps.print(step.fresh);
  } while (await deps.wait());
}

/** Waits out the interval; false once SIGINT, SIGTERM or a closed stdout (`| head`) ends the follow. */
export function followWait(intervalMs: number): () => Promise<boolean> {
  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  process.stdout.once('error', stop);
  return () =>
    new Promise((resolve) => {
      if (stopped) return resolve(false);
      const timer = setTimeout(() => resolve(!stopped), intervalMs);
      wake = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
}
