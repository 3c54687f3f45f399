import { eventKey, type LogEvent } from './log-event.js';

/** How many times each event was read (the most any read had it), oldest first. */
export type SeenEvents = ReadonlyMap<string, number>;

/** Events remembered at least: journals are bounded (200 a node), so this spans many reads. */
const REMEMBER_MIN = 5000;

/**
 * The events of this read not printed yet (an event twice in a journal counts twice), and the
 * memory for the next read. What was seen stays remembered even when a read misses it (a fetch
 * that failed, a branch being rewritten), so it is never printed again; the oldest are forgotten
 * past a bound, by then long fallen off the bounded journals.
 */
export function freshEvents(seen: SeenEvents, events: readonly LogEvent[]): { fresh: LogEvent[]; seen: SeenEvents } {
  const counts = new Map<string, number>();
  const fresh: LogEvent[] = [];
  for (const e of events) {
    const key = eventKey(e);
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n > (seen.get(key) ?? 0)) fresh.push(e);
  }
  const next = new Map(seen);
  for (const [key, n] of counts) if (n > (next.get(key) ?? 0)) next.set(key, n);
  const bound = Math.max(REMEMBER_MIN, 2 * events.length);
  for (const key of next.keys()) {
    if (next.size <= bound) break;
    next.delete(key);
  }
  return { fresh, seen: next };
}
