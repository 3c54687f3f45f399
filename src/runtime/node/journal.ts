import type { JournalEvent } from '../../domain/node-cycle.js';
import { reportOnce, type Reported } from '../../domain/node/report-once.js';

/** Journal lines waiting for the next telemetry commit, and the conditions reported once. */
export interface Journal {
  note(kind: string, reason: string): void;
  add(event: JournalEvent): void;
  /** Logs and journals a condition when it starts or changes; undefined: it is over. */
  report(topic: string, message: string | undefined): void;
  pending(): readonly JournalEvent[];
  take(): JournalEvent[];
}

export function createJournal(now: () => number, log: (line: string) => void): Journal {
  let reported: Reported = new Set();
  let waiting: JournalEvent[] = [];
  return {
    note: (kind, reason) => void waiting.push({ at: new Date(now()).toISOString(), kind, reason }),
    add: (event) => void waiting.push(event),
    report(topic, message) {
      const outcome = reportOnce(reported, topic, message, now());
      reported = outcome.reported;
      for (const line of outcome.logs) log(line);
      waiting.push(...outcome.events);
    },
    pending: () => waiting,
    take() {
      const taken = waiting;
      waiting = [];
      return taken;
    },
  };
}
