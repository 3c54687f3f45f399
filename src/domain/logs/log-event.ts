// One line of `factoryctl logs`: a node's journal event or a supervisor's decision, on one clock
// (the writer's own; the merge orders by it, as the journals themselves do).
import type { DecisionRecord } from '../supervisor/status-model.js';

export type LogSource = 'node' | 'supervisor';

export interface LogEvent {
  /** ms since the epoch, as the writer recorded it. */
  at: number;
  /** The node whose journal holds it; absent for the supervisor's decisions (STATUS.md does not name the leader). */
  node?: string;
  source: LogSource;
  /** The journal's `kind` ("level-changed", "role-halted", ...); "decision" for the supervisor. */
  event: string;
  reason: string;
  role?: string;
  repo?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Inclusive bounds on an event's time, ms (the --since and --until of `factoryctl logs`). */
export interface TimeBounds {
  since?: number;
  until?: number;
}

// The journal writer puts `at` first (JSON.stringify keeps a literal's key order): a plain ISO
// string there is the event's time, read without parsing the line.
const LEADING_AT = /^\{"at":"([^"\\]+)"/;

/** Whether a line's leading `at` puts it outside `bounds`; a line without one is kept, to be parsed. */
function outside(line: string, bounds: TimeBounds): boolean {
  if (bounds.since === undefined && bounds.until === undefined) return false;
  const lead = LEADING_AT.exec(line);
  if (!lead) return false;
  const at = Date.parse(lead[1]!);
  return (bounds.since !== undefined && at < bounds.since) || (bounds.until !== undefined && at > bounds.until);
}

/**
 * The events of one node's journal.jsonl; a torn or foreign line is skipped, never fatal. A line
 * whose time is outside `bounds` is skipped before its JSON is parsed (a week's journal, a day asked).
 */
export function nodeJournalEvents(node: string, journal: string | undefined, bounds: TimeBounds = {}): LogEvent[] {
  const out: LogEvent[] = [];
  for (const line of (journal ?? '').split('\n')) {
    if (line.trim() === '' || outside(line, bounds)) continue;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const at = typeof value?.at === 'string' ? Date.parse(value.at) : NaN;
    if (!Number.isFinite(at)) continue;
    const role = text(value.role);
    const repo = text(value.repo);
    out.push({
      at,
      node,
      source: 'node',
      event: text(value.kind) ?? 'event',
      reason: text(value.reason) ?? '',
      ...(role ? { role } : {}),
      ...(repo ? { repo } : {}),
    });
  }
  return out;
}

/** The supervisor's recent decisions (STATUS.md's "Recent decisions", minute resolution). */
export function supervisorEvents(decisions: readonly DecisionRecord[]): LogEvent[] {
  return decisions.map((d) => ({ at: d.at, source: 'supervisor', event: 'decision', reason: d.text }));
}

/** A stable identity: `--follow` prints an event once, whichever fetch brought it. */
export function eventKey(e: LogEvent): string {
  return JSON.stringify([e.at, e.node ?? '', e.source, e.event, e.role ?? '', e.repo ?? '', e.reason]);
}
