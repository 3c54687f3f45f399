import { parseDuration } from '../duration.js';

/** A start (or end) time as given on a command line: an ISO time, or a duration before now ("1d": a day ago). */
export function pastTime(text: string, now: number): { ok: true; at: number } | { ok: false; error: string } {
  if (/^\d+(\.\d+)?(ms|s|m|h|d|w)/.test(text) && !text.includes('-') && !text.includes(':')) {
    try {
      return { ok: true, at: now - parseDuration(text) };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
  const at = Date.parse(text);
  if (Number.isNaN(at))
    return { ok: false, error: `not a time or a duration: ${text} (e.g. 2026-12-01T08:00:00Z or 1d)` };
  return { ok: true, at };
}
