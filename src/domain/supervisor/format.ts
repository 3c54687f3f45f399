import { formatDuration } from '../duration.js';

const EXACT_UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** "1m", "90s", "2h": the largest unit that divides the value exactly, so parseDuration reads it back unchanged. */
export function formatExact(ms: number): string {
  const whole = Math.round(ms);
  for (const [unit, size] of EXACT_UNITS) if (whole > 0 && whole % size === 0) return `${whole / size}${unit}`;
  return `${whole}ms`;
}

/** Exact when short, rounded when long: for sentences people read ("quiet for 3h"). */
export function formatSpan(ms: number): string {
  return ms < 3_600_000 && ms % 1000 === 0 ? formatExact(ms) : formatDuration(ms);
}

/** "2025-03-01 08:15 UTC": minute precision, so re-rendering within a minute gives the same text. */
export function formatMinute(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Canonical ISO form of an epoch time for state files (seconds precision, Z). */
export function toIso(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
