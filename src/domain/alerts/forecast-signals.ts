// memory-forecast and disk-forecast: fit each node's telemetry (history roll-ups and its latest sample)
// and say when it would cross its level-1 threshold, if within the rule's horizon.
import { formatDuration } from '../duration.js';
import type { NodeTelemetryTexts } from '../supervisor/status-telemetry.js';
import { forecastCrossing, type Point } from './forecast.js';
import type { ResolvedRule } from './rules.js';

/** A node's level-1 halt thresholds (effective policy); absent: that signal is off there. */
export interface Level1 {
  memAvailableMb?: number;
  diskUsedPercent?: number;
}

function lines(text: string | undefined): Record<string, unknown>[] {
  return (text ?? '').split('\n').flatMap((l) => {
    try {
      const v: unknown = l.trim() ? JSON.parse(l) : undefined;
      return v && typeof v === 'object' ? [v as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const at = (v: unknown) => (typeof v === 'string' ? num(Date.parse(v)) : num(v));
const fullest = (values: unknown[]) => {
  const ns = values.map(num).filter((n): n is number => n !== undefined);
  return ns.length ? Math.max(...ns) : undefined;
};

/** The series of one signal: each roll-up's worst reading at its end, then the latest sample. */
export function seriesOf(t: NodeTelemetryTexts, what: 'memory' | 'disk'): Point[] {
  const points: Point[] = [];
  const push = (when: number | undefined, value: number | undefined) => {
    if (when !== undefined && value !== undefined) points.push({ at: when, value });
  };
  for (const h of lines(t.history)) {
    const value =
      what === 'memory'
        ? num((h.memAvailableMb as { min?: unknown } | undefined)?.min)
        : fullest(Object.values((h.diskUsedPercentMax as Record<string, unknown> | undefined) ?? {}));
    push(at(h.to), value);
  }
  const sample = lines(t.sample?.replace(/\n/g, ' '))[0];
  if (sample) {
    const disks = Array.isArray(sample.disks) ? (sample.disks as { usedPercent?: unknown }[]) : [];
    push(at(sample.at), what === 'memory' ? num(sample.memAvailableMb) : fullest(disks.map((d) => d.usedPercent)));
  }
  return points.sort((a, b) => a.at - b.at);
}

export function forecastSignals(
  rule: ResolvedRule,
  telemetry: readonly NodeTelemetryTexts[],
  level1: (node: string) => Level1,
  now: number,
) {
  const memory = rule.signal === 'memory-forecast';
  return telemetry.flatMap((t) => {
    const threshold = memory ? level1(t.node).memAvailableMb : level1(t.node).diskUsedPercent;
    if (threshold === undefined) return [];
    const f = forecastCrossing(
      seriesOf(t, memory ? 'memory' : 'disk'),
      threshold,
      memory ? 'below' : 'above',
      now,
      rule.lookbackMs,
      rule.horizonMs,
    );
    if (!f?.crossesAt) return [];
    const unit = memory ? ' MB available' : '% disk used';
    const rate = memory ? `${Math.round(-f.slope * 3_600_000)} MB/h` : `${(f.slope * 3_600_000).toFixed(1)} %/h`;
    return [
      {
        labels: { node: t.node },
        summary: `${t.node}: ${memory ? 'memory' : 'disk'} reaches level 1 in ${formatDuration(f.crossesAt - now)}`,
        description: `now ${Math.round(f.current)}${unit}, ${rate} over the last ${formatDuration(rule.lookbackMs)}; level 1 at ${threshold}${unit}, about ${new Date(f.crossesAt).toISOString()}`,
      },
    ];
  });
}
