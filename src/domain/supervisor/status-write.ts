import { parseDuration } from '../duration.js';
import { chartsPart, statusChangedMeaningfully } from './status-render.js';

const WINDOW = /^From (\d{4}-\d\d-\d\d \d\d:\d\d) UTC to (\d{4}-\d\d-\d\d \d\d:\d\d) UTC, in (\S+) steps\.$/m;

export type StatusWrite = { write: false } | { write: true; why: string };

/**
 * When STATUS.md is rewritten: at once when a table, an alarm or a decision changed; the charts
 * alone at most every `chartsEveryMs`, and only when what they draw changed (not just their
 * window's labels), so a quiet factory makes no commit at all.
 */
export function statusWriteDue(
  oldText: string | undefined,
  newText: string,
  now: number,
  chartsEveryMs = 3_600_000,
): StatusWrite {
  if (oldText === newText) return { write: false };
  if (statusChangedMeaningfully(oldText, newText))
    return { write: true, why: oldText === undefined ? 'first status page' : 'status changed' };
  if (drawn(oldText!) === drawn(newText)) return { write: false };
  const renderedAt = renderedAround(oldText!);
  if (renderedAt !== undefined && now - renderedAt < chartsEveryMs) return { write: false };
  return { write: true, why: 'charts refreshed' };
}

/** The charts section (and the memory bars) without the lines that only name the time window. */
function drawn(text: string): string {
  return chartsPart(text)
    .split('\n')
    .filter((l) => !WINDOW.test(l) && !/^\s*(title|x-axis) /.test(l))
    .join('\n');
}

/** The earliest time the old page could have been rendered at: the start of the last bucket of its window. */
function renderedAround(text: string): number | undefined {
  const m = WINDOW.exec(text);
  if (!m) return undefined;
  try {
    return Date.parse(`${m[2]!.replace(' ', 'T')}:00Z`) - parseDuration(m[3]!);
  } catch {
    return undefined;
  }
}
