/**
 * An interval as a cron expression. Cron counts minutes within the hour and hours within the day,
 * so `*\/7` fires at :56 and again at :00, four minutes later. Only steps that divide the hour
 * (or the day) are even, so an interval is rounded to the nearest of those, nearest by ratio
 * (45m is closer to 60m than to 30m); a tie goes to the longer one, the cheaper to run:
 *   under 1 minute        -> every minute (cron's finest)
 *   1 to 59 minutes       -> 1 2 3 4 5 6 10 12 15 20 30 minutes, or hourly
 *   1 to 23 hours         -> 1 2 3 4 6 8 12 hours, or daily
 *   a day or more         -> daily (cron has no even step across month ends)
 * The first minute (and hour) is an offset derived from a seed (the assignment's id), so
 * agents on one machine do not all start at :00 and compete for memory in the same minute.
 */
export interface CronSchedule {
  expr: string;
  /** The interval cron will actually keep. */
  everyMs: number;
}

const MINUTE = 60_000;
const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12, 24];

export function cronSchedule(intervalMs: number, seed: string): CronSchedule {
  const minutes = Math.max(1, intervalMs / MINUTE);
  const h = hash(seed);
  if (minutes < 60) {
    const step = nearest(minutes, MINUTE_STEPS);
    if (step < 60) {
      const offset = h % step;
      const field = step === 1 ? '*' : offset === 0 ? `*/${step}` : `${offset}-59/${step}`;
      return { expr: `${field} * * * *`, everyMs: step * MINUTE };
    }
  }
  const hours = nearest(Math.max(1, minutes / 60), HOUR_STEPS);
  const minute = h % 60;
  if (hours === 24) return { expr: `${minute} ${Math.floor(h / 60) % 24} * * *`, everyMs: 24 * 60 * MINUTE };
  const hourOffset = Math.floor(h / 60) % hours;
  const field = hours === 1 ? '*' : hourOffset === 0 ? `*/${hours}` : `${hourOffset}-23/${hours}`;
  return { expr: `${minute} ${field} * * *`, everyMs: hours * 60 * MINUTE };
}

function nearest(value: number, steps: number[]): number {
  let best = steps[0]!;
  for (const s of steps) {
    const d = Math.abs(Math.log(s / value));
    const bd = Math.abs(Math.log(best / value));
    if (d < bd - 1e-12 || (Math.abs(d - bd) <= 1e-12 && s > best)) best = s;
  }
  return best;
}

/** FNV-1a: a stable spread, the same on every run and every machine. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
