import type { DecisionRecord } from './status-model.js';

const LINE = /^- (\d{4}-\d\d-\d\d \d\d:\d\d) UTC: (.*)$/;

/**
 * The recent decisions already in STATUS.md: the page is the supervisor's journal on main, so a
 * supervisor run from cron (a new process each time) keeps the history without another file.
 */
export function decisionsFromStatus(text: string | undefined): DecisionRecord[] {
  if (!text) return [];
  const start = text.indexOf('\n## Recent decisions\n');
  if (start < 0) return [];
  const end = text.indexOf('\n## ', start + 5);
  const out: DecisionRecord[] = [];
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n')) {
    const m = LINE.exec(line);
    if (m) out.push({ at: Date.parse(`${m[1]!.replace(' ', 'T')}:00Z`), text: m[2]! });
  }
  return out;
}

/** New decisions first, then the old ones, at most `max`. */
export function appendDecisions(
  old: readonly DecisionRecord[],
  added: readonly DecisionRecord[],
  max: number,
): DecisionRecord[] {
  return [...added, ...old].sort((a, b) => b.at - a.at).slice(0, max);
}
