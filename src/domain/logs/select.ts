import type { LogEvent } from './log-event.js';

export interface LogFilter {
  node?: string;
  role?: string;
  repo?: string;
  /** Inclusive bounds, ms. */
  since?: number;
  until?: number;
}

/** `word` stands in `text` as a whole name: "dev" in "dev@acme/web" and "n1.", not in "dev2" or "n10". */
function names(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(^|[^\\w/.-])${escaped}($|[^\\w/-])`).test(text);
}

/**
 * Whether an event passes the filter. A node's event matches on its own fields; a supervisor's
 * decision is free text, so it matches when it names the node, role or repository.
 */
export function matches(e: LogEvent, f: LogFilter): boolean {
  if (f.since !== undefined && e.at < f.since) return false;
  if (f.until !== undefined && e.at > f.until) return false;
  if (e.source === 'supervisor') return [f.node, f.role, f.repo].every((w) => w === undefined || names(e.reason, w));
  if (f.node !== undefined && e.node !== f.node) return false;
  if (f.role !== undefined && e.role !== f.role) return false;
  if (f.repo !== undefined && e.repo !== f.repo) return false;
  return true;
}

/** Every source's events merged in time order (ties: by node, then as each journal has them), filtered. */
export function mergeLogs(sources: readonly (readonly LogEvent[])[], f: LogFilter): LogEvent[] {
  const all = sources.flatMap((events, s) => events.map((e, i) => ({ e, s, i })));
  const kept = all.filter(({ e }) => matches(e, f));
  kept.sort((a, b) => a.e.at - b.e.at || (a.e.node ?? '').localeCompare(b.e.node ?? '') || a.s - b.s || a.i - b.i);
  return kept.map(({ e }) => e);
}
