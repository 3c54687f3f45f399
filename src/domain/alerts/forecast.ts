// Prometheus' predict_linear: a least-squares line through a series, read off at a later time.

export interface Point {
  at: number;
  value: number;
}
export interface Forecast {
  /** the fitted value at `now + horizonMs` */
  predicted: number;
  /** per millisecond */
  slope: number;
  /** the fitted value at `now` */
  current: number;
  /** when the line crosses `threshold`, if it heads there; undefined when it does not */
  crossesAt?: number;
}

/** The fit over points in [now - lookbackMs, now]; undefined with fewer than 3 points or no time spread. */
export function predictLinear(
  points: readonly Point[],
  now: number,
  lookbackMs: number,
  horizonMs: number,
): Forecast | undefined {
  const window = points.filter((p) => p.at <= now && p.at >= now - lookbackMs && Number.isFinite(p.value));
  if (window.length < 3) return undefined;
  // Centred on now, as Prometheus does, so the intercept is the value now and large epochs lose no precision.
  const xs = window.map((p) => p.at - now);
  const n = window.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = window.reduce((s, p) => s + p.value, 0) / n;
  let sxy = 0;
  let sxx = 0;
  window.forEach((p, i) => {
    sxy += (xs[i]! - mx) * (p.value - my);
    sxx += (xs[i]! - mx) ** 2;
  });
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const current = my - slope * mx;
  return { predicted: current + slope * horizonMs, slope, current };
}

/**
 * When a fitted line reaches `threshold` going the bad way (`below`: falling to it; else rising to it),
 * within the horizon; undefined when it does not, or is already past it (the level itself acts then).
 */
export function forecastCrossing(
  points: readonly Point[],
  threshold: number,
  bad: 'below' | 'above',
  now: number,
  lookbackMs: number,
  horizonMs: number,
): Forecast | undefined {
  const f = predictLinear(points, now, lookbackMs, horizonMs);
  if (!f) return undefined;
  // The latest reading past the line counts too: the level acts then, not the forecast.
  const seen = points.filter((p) => p.at <= now);
  const latest = seen.length ? seen.reduce((a, b) => (b.at >= a.at ? b : a)).value : f.current;
  const beyond = (v: number) => (bad === 'below' ? v <= threshold : v >= threshold);
  const past = beyond(f.current) || beyond(latest);
  const heading = bad === 'below' ? f.slope < 0 : f.slope > 0;
  if (past || !heading) return undefined;
  const crossesAt = now + (threshold - f.current) / f.slope;
  return crossesAt <= now + horizonMs ? { ...f, crossesAt } : undefined;
}
