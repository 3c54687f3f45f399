import type { JournalEvent } from '../node-cycle.js';

/** The conditions reported and not yet fine again: one `topic\0message` key each. */
export type Reported = ReadonlySet<string>;

export interface ReportOnce {
  reported: Reported;
  logs: string[];
  events: JournalEvent[];
}

/**
 * A condition (a failing mechanism, an invalid config...) is logged and journaled when it starts
 * or changes, not on every cycle it lasts; `message` undefined says it is over, reported as
 * "fine again" when it had been reported. The journal kind is the topic's first word.
 */
export function reportOnce(reported: Reported, topic: string, message: string | undefined, now: number): ReportOnce {
  const key = `${topic}\0${message ?? ''}`;
  const known = [...reported].find((k) => k.startsWith(`${topic}\0`));
  if (known === key || (message === undefined && !known)) return { reported, logs: [], events: [] };
  const next = new Set(reported);
  if (known) next.delete(known);
  const kind = topic.split(' ')[0]!;
  const at = new Date(now).toISOString();
  if (message === undefined) {
    const reason = `${topic}: fine again`;
    return { reported: next, logs: [reason], events: [{ at, kind: `${kind}-ok`, reason }] };
  }
  next.add(key);
  return { reported: next, logs: [message], events: [{ at, kind, reason: message }] };
}
