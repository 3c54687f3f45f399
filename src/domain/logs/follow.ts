import { eventKey, type LogEvent } from './log-event.js';

/** How many times each event was in the last read: journals are bounded, so this is too. */
export type SeenEvents = ReadonlyMap<string, number>;

/**
 * The events of this read that the last one did not have (an event seen twice in a journal
 * counts twice), and what this read holds, for the next. An event that fell off a bounded journal
 * cannot come back, so forgetting it never prints it again.
 */
export function freshEvents(seen: SeenEvents, events: readonly LogEvent[]): { fresh: LogEvent[]; seen: SeenEvents } {
  const now = new Map<string, number>();
  const fresh: LogEvent[] = [];
  for (const e of events) {
    const key = eventKey(e);
    const n = (now.get(key) ?? 0) + 1;
    now.set(key, n);
    if (n > (seen.get(key) ?? 0)) fresh.push(e);
  }
  return { fresh, seen: now };
}
