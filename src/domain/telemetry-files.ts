import type { NodeDecision } from './config/state-schema.js';
import type { JournalEvent, RoleSummary } from './node-cycle.js';
import type { Sample } from './pressure/index.js';

/** The files of a `telemetry/<node>` branch. decision.json is what status and the supervisor read. */
export const TELEMETRY_FILES = {
  sample: 'sample.json',
  decision: 'decision.json',
  roles: 'roles.json',
  journal: 'journal.jsonl',
  history: 'history.jsonl',
} as const;
export const TELEMETRY_PATHS = Object.values(TELEMETRY_FILES);

/** Recent events kept in journal.jsonl: enough to see the last days' halts, bounded whatever the uptime. */
export const JOURNAL_MAX = 200;

/** Samples between two commits, rolled up into one line of history.jsonl. */
export interface Rollup {
  from: number;
  to: number;
  samples: number;
  memAvailableMb: { min: number; max: number; sum: number };
  swapUsedMbMax: number;
  diskUsedPercentMax: Record<string, number>;
  load1Max: number;
  levelMax: number;
}

export interface HistoryLine {
  from: string;
  to: string;
  samples: number;
  memAvailableMb: { min: number; avg: number; max: number };
  swapUsedMbMax: number;
  diskUsedPercentMax: Record<string, number>;
  load1Max: number;
  levelMax: number;
}

const finite = (v: number) => (Number.isFinite(v) ? v : undefined);
const max = (a: number, b: number) => (Number.isFinite(b) ? Math.max(a, b) : a);

/** Adds one sample (and the level decided on it) to the roll-up in progress. */
export function addToRollup(acc: Rollup | undefined, sample: Sample, level: number): Rollup {
  const mem = finite(sample.memAvailableMb);
  const r: Rollup = acc
    ? { ...acc, memAvailableMb: { ...acc.memAvailableMb }, diskUsedPercentMax: { ...acc.diskUsedPercentMax } }
    : {
        from: sample.at,
        to: sample.at,
        samples: 0,
        memAvailableMb: { min: Infinity, max: -Infinity, sum: 0 },
        swapUsedMbMax: 0,
        diskUsedPercentMax: {},
        load1Max: 0,
        levelMax: 0,
      };
  r.to = sample.at;
  r.levelMax = Math.max(r.levelMax, level);
  if (mem !== undefined) {
    r.samples += 1;
    r.memAvailableMb.min = Math.min(r.memAvailableMb.min, mem);
    r.memAvailableMb.max = Math.max(r.memAvailableMb.max, mem);
    r.memAvailableMb.sum += mem;
  }
  r.swapUsedMbMax = max(r.swapUsedMbMax, sample.swapUsedMb);
  r.load1Max = max(r.load1Max, sample.load1);
  for (const d of sample.disks) r.diskUsedPercentMax[d.mount] = max(r.diskUsedPercentMax[d.mount] ?? 0, d.usedPercent);
  return r;
}

export function historyLine(r: Rollup): HistoryLine {
  const round = (v: number) => Math.round(v * 10) / 10;
  const n = r.samples;
  return {
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    samples: n,
    memAvailableMb:
      n > 0
        ? { min: round(r.memAvailableMb.min), avg: round(r.memAvailableMb.sum / n), max: round(r.memAvailableMb.max) }
        : { min: NaN, avg: NaN, max: NaN },
    swapUsedMbMax: round(r.swapUsedMbMax),
    diskUsedPercentMax: r.diskUsedPercentMax,
    load1Max: round(r.load1Max),
    levelMax: r.levelMax,
  };
}

/** The last `keep` lines of a JSON-lines file after appending `lines`; a torn or foreign line is dropped. */
export function appendBounded(text: string | undefined, lines: unknown[], keep: number): string {
  const kept = (text ?? '').split('\n').filter((l) => {
    if (l.trim() === '') return false;
    try {
      JSON.parse(l);
      return true;
    } catch {
      return false;
    }
  });
  const all = [...kept, ...lines.map((l) => JSON.stringify(l))].slice(-keep);
  return all.length > 0 ? `${all.join('\n')}\n` : '';
}

export interface TelemetryUpdate {
  sample: Sample | undefined;
  decision: NodeDecision;
  roles: RoleSummary;
  events: JournalEvent[];
  rollup: Rollup | undefined;
}

/** The branch's next files from its current ones: latest sample and decision, bounded journal and history. */
export function nextTelemetryFiles(
  current: ReadonlyMap<string, string | undefined>,
  update: TelemetryUpdate,
  keepSamples: number,
): Record<string, string> {
  const files: Record<string, string> = {
    [TELEMETRY_FILES.decision]: `${JSON.stringify(update.decision, null, 2)}\n`,
    [TELEMETRY_FILES.roles]: `${JSON.stringify(update.roles, null, 2)}\n`,
    [TELEMETRY_FILES.journal]: appendBounded(current.get(TELEMETRY_FILES.journal), update.events, JOURNAL_MAX),
    [TELEMETRY_FILES.history]: update.rollup
      ? appendBounded(current.get(TELEMETRY_FILES.history), [historyLine(update.rollup)], keepSamples)
      : (current.get(TELEMETRY_FILES.history) ?? ''),
  };
  // NaN is not JSON: an unmeasured figure is written as null.
  if (update.sample)
    files[TELEMETRY_FILES.sample] =
      `${JSON.stringify(update.sample, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
  else if (current.get(TELEMETRY_FILES.sample) !== undefined)
    files[TELEMETRY_FILES.sample] = current.get(TELEMETRY_FILES.sample)!;
  return files;
}

/** Several cycles' updates in one commit: each applied in turn, as if committed one by one. */
export function nextTelemetryFilesOf(
  current: ReadonlyMap<string, string | undefined>,
  updates: readonly TelemetryUpdate[],
  keepSamples: number,
): Record<string, string> {
  let files = new Map(current);
  let next: Record<string, string> = {};
  for (const update of updates) {
    next = nextTelemetryFiles(files, update, keepSamples);
    files = new Map([...files, ...Object.entries(next)]);
  }
  return next;
}
