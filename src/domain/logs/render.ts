// How `factoryctl logs` prints an event: one line that fits the terminal (80 columns at least),
// or one JSON object per line for scripts.
import type { LogEvent } from './log-event.js';

const NODE_WIDTH = 10;
const EVENT_WIDTH = 14;

/** "12-02 17:13:08": UTC, to the second; the year and zone are in the header. */
function stamp(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, 19)}`;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

/** The slot an event is about, "dev" or "dev@acme/web", before its reason. */
function slot(e: LogEvent): string {
  if (e.role === undefined) return e.repo === undefined ? '' : `${e.repo}: `;
  return e.repo === undefined ? `${e.role}: ` : `${e.role}@${e.repo}: `;
}

export const LOG_HEADER = (width: number) => logColumns('TIME (UTC)', 'NODE', 'SRC', 'EVENT', 'REASON', width);

function logColumns(time: string, node: string, src: string, event: string, reason: string, width: number): string {
  const head = `${time.padEnd(14)} ${fit(node, NODE_WIDTH)} ${src.padEnd(4)} ${fit(event, EVENT_WIDTH)} `;
  const room = Math.max(10, width - head.length);
  const rest = reason.replace(/\s+/g, ' ');
  return `${head}${rest.length <= room ? rest : `${rest.slice(0, room - 1)}…`}`.trimEnd();
}

/** One event as a line of at most `width` columns: time, node, source, event, reason (cut with an ellipsis). */
export function logLine(e: LogEvent, width: number): string {
  return logColumns(
    stamp(e.at),
    e.node ?? '-',
    e.source === 'node' ? 'node' : 'sup',
    e.event,
    `${slot(e)}${e.reason}`,
    width,
  );
}

/** One event as one JSON object: the time as ISO, every field. */
export function logJson(e: LogEvent): string {
  return JSON.stringify({
    at: new Date(e.at).toISOString(),
    node: e.node ?? null,
    source: e.source,
    event: e.event,
    reason: e.reason,
    ...(e.role !== undefined ? { role: e.role } : {}),
    ...(e.repo !== undefined ? { repo: e.repo } : {}),
  });
}
