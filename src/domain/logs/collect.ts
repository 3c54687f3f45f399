import { decisionsFromStatus } from '../supervisor/journal.js';
import { nodeJournalEvents, supervisorEvents, type LogEvent } from './log-event.js';

/** The raw texts the logs are made of, read by the adapter. */
export interface LogSources {
  journals: { node: string; text: string | undefined }[];
  /** factory-state/STATUS.md on main. */
  status?: string;
}

/** Each source's events, one list per node and one for the supervisor (mergeLogs puts them in order). */
export function logEvents(sources: LogSources): LogEvent[][] {
  return [
    ...sources.journals.map((j) => nodeJournalEvents(j.node, j.text)),
    supervisorEvents(decisionsFromStatus(sources.status)),
  ];
}
