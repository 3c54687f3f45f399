import type { Alarm } from '../config/alarm-schema.js';
import type { AlertRecord } from '../config/alerts-file-schema.js';
import type { ScheduleState } from './schedule-tune.js';
import type { StatusNode } from './status-nodes.js';

export interface RoleStatusRow {
  node: string;
  role: string;
  /** Set on a row of one repository's agent (a repository-scoped override or halt). */
  repo?: string;
  state: 'run' | 'halt';
  reason: string;
  since: number;
  /** Who decided: the humans' override, the supervisor, the node itself, placement (assigned elsewhere), or nobody (the default: run). */
  source?: 'override' | 'supervisor' | 'node' | 'placement' | 'default';
}
export interface MemorySample {
  node: string;
  at: number;
  availableMb: number;
  /** What bounds the node's memory when it is not the machine's: "cgroup-v1 limit 200 MB". */
  limit?: string;
}
/** A halt over time; `to` absent while it lasts. `node` absent for a factory-wide halt. */
export interface HaltSpan {
  role: string;
  node?: string;
  from: number;
  to?: number;
  reason: string;
}
export interface DecisionRecord {
  at: number;
  text: string;
}
export interface StatusInput {
  factory: string;
  now: number;
  roles: RoleStatusRow[];
  /** Nodes whose daemon fell silent: their decision no longer counts, and the page says so. */
  staleNodes?: { node: string; note: string }[];
  /** What the nodes ask attention for: agents stopped past maxRuntime again and again, reclaims. */
  notices?: string[];
  schedule: ScheduleState;
  alarms: Alarm[];
  decisions: DecisionRecord[];
  memory: MemorySample[];
  halts: HaltSpan[];
  /** The Nodes section (status-nodes.ts); empty or absent without placement: no section. */
  nodes?: StatusNode[];
  /** alerts.yaml as this cycle leaves it: the "Firing alerts" section, while any fires. */
  alerts?: readonly AlertRecord[];
}
export interface StatusOptions {
  memoryBucketMb: number;
  chartBucketMs: number;
  windowMs: number;
  maxDecisions: number;
  maxHaltBars: number;
}
export const DEFAULT_STATUS_OPTIONS: StatusOptions = {
  memoryBucketMb: 50,
  chartBucketMs: 15 * 60_000,
  windowMs: 24 * 3_600_000,
  maxDecisions: 20,
  maxHaltBars: 40,
};

/** One node's memory line: the worst (lowest) reading of each bucket, rounded down to memoryBucketMb. */
export interface MemorySeries {
  node: string;
  start: number;
  points: number[];
  /** The limit of the node's latest reading that carries one (see MemorySample.limit). */
  limit?: string;
}
export interface HaltBar {
  role: string;
  scope: string;
  from: number;
  to: number;
  ongoing: boolean;
}
/** The chart window: whole buckets ending with the bucket that holds `now`. */
export interface ChartWindow {
  start: number;
  end: number;
  bucketMs: number;
}

export function chartWindow(now: number, opts: StatusOptions): ChartWindow {
  const end = (Math.floor(now / opts.chartBucketMs) + 1) * opts.chartBucketMs;
  return { start: end - opts.windowMs, end, bucketMs: opts.chartBucketMs };
}

/** Buckets samples so that new samples that change nothing visible leave the series identical. */
export function memorySeries(samples: readonly MemorySample[], win: ChartWindow, bucketMb: number): MemorySeries[] {
  const byNode = new Map<string, Map<number, number>>();
  const limits = new Map<string, { at: number; limit: string }>();
  for (const s of samples) {
    if (s.at < win.start || s.at >= win.end) continue;
    if (s.limit !== undefined && s.at >= (limits.get(s.node)?.at ?? -Infinity))
      limits.set(s.node, { at: s.at, limit: s.limit });
    const slot = Math.floor((s.at - win.start) / win.bucketMs);
    const node = byNode.get(s.node) ?? new Map<number, number>();
    node.set(slot, Math.min(node.get(slot) ?? Infinity, s.availableMb));
    byNode.set(s.node, node);
  }
  const series: MemorySeries[] = [];
  for (const node of [...byNode.keys()].sort()) {
    const slots = byNode.get(node)!;
    const first = Math.min(...slots.keys());
    const last = Math.floor((win.end - 1 - win.start) / win.bucketMs);
    const points: number[] = [];
    let carry = slots.get(first)!;
    // A gap (node down, telemetry late) repeats the last reading rather than drawing a false drop to zero.
    for (let slot = first; slot <= last; slot++) {
      carry = slots.get(slot) ?? carry;
      points.push(Math.max(0, Math.floor(carry / bucketMb) * bucketMb));
    }
    const limit = limits.get(node)?.limit;
    series.push({ node, start: win.start + first * win.bucketMs, points, ...(limit === undefined ? {} : { limit }) });
  }
  return series;
}

/** Halts clipped to the window, widened to whole buckets, merged per role and scope, latest kept. */
export function haltBars(spans: readonly HaltSpan[], win: ChartWindow, max: number): HaltBar[] {
  const floor = (t: number) => Math.floor(t / win.bucketMs) * win.bucketMs;
  const ceil = (t: number) => Math.ceil(t / win.bucketMs) * win.bucketMs;
  const bars = spans
    .filter((s) => (s.to ?? win.end) > win.start && s.from < win.end)
    .map((s) => ({
      role: s.role,
      scope: s.node ?? 'all nodes',
      from: Math.max(win.start, floor(s.from)),
      to: s.to === undefined ? win.end : Math.min(win.end, Math.max(ceil(s.to), floor(s.from) + win.bucketMs)),
      ongoing: s.to === undefined,
    }))
    .sort((a, b) => cmp(a.role, b.role) || cmp(a.scope, b.scope) || a.from - b.from);
  const merged: HaltBar[] = [];
  for (const b of bars) {
    const prev = merged.at(-1);
    if (prev && prev.role === b.role && prev.scope === b.scope && b.from <= prev.to) {
      prev.to = Math.max(prev.to, b.to);
      prev.ongoing ||= b.ongoing;
    } else merged.push({ ...b });
  }
  if (merged.length <= max) return merged;
  const keep = new Set([...merged].sort((a, b) => b.to - a.to || b.from - a.from).slice(0, max));
  return merged.filter((b) => keep.has(b));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
