import { decisionsFromStatus } from '../supervisor/journal.js';
import { nodeJournalEvents, supervisorEvents, type LogEvent, type TimeBounds } from './log-event.js';

/** The raw texts the logs are made of, read by the adapter. */
export interface LogSources {
  journals: { node: string; text: string | undefined }[];
  /** factory-state/STATUS.md on main. */
  status?: string;
}

/**
 * Each source's events, one list per node and one for the supervisor (mergeLogs puts them in order
 * and filters them); a journal line outside `bounds` is dropped unparsed.
 */
export function logEvents(sources: LogSources, bounds: TimeBounds = {}): LogEvent[][] {
  return [
    ...sources.journals.map((j) => nodeJournalEvents(j.node, j.text, bounds)),
    supervisorEvents(decisionsFromStatus(sources.status)),
  ];
}
