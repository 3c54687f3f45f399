import { parseDuration } from './duration.js';

/** An end time as given on a command line: an ISO time, or a duration from now ("2h", "+30m"). */
export function untilTime(text: string, now: number): { ok: true; at: string } | { ok: false; error: string } {
  const relative = text.replace(/^\+/, '');
  if (/^\d/.test(relative) && !relative.includes('-') && !relative.includes(':'))
    return { ok: true, at: new Date(now + parseDuration(relative)).toISOString() };
  const at = Date.parse(text);
  if (Number.isNaN(at))
    return { ok: false, error: `not a time or a duration: ${text} (e.g. 2026-12-01T08:00:00Z or 2h)` };
  return { ok: true, at: new Date(at).toISOString() };
}
