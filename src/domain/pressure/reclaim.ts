// Reclaim before halt: when a signal first crosses a level's halt line, the node runs that signal's
// reclaim actions while the level's hold runs; if they free enough, the next samples are back under
// the line and the level never engages. Again only after the back-off: a reclaim that frees nothing
// is not repeated every sample.
import { LEVEL_KEYS } from '../config/level-keys.js';
import type { Policy, ReclaimAction } from '../config/policy-schema.js';
import { formatDuration, parseDuration } from '../duration.js';
import type { JournalEvent } from '../node-cycle.js';
import { readLevel } from './level-signals.js';
import type { Sample } from './sample.js';

const DEFAULT_TIMEOUT_MS = 60_000;

/** `memory`, or `disk <mount>`: what one list of actions is for. */
export type ReclaimSignal = string;

export interface ReclaimMemory {
  /** Per signal, when its actions last started. */
  lastRunAt: Record<ReclaimSignal, number>;
  /** The last action done, as `status` shows it. */
  last?: { at: string; reason: string };
}
export const EMPTY_RECLAIM: ReclaimMemory = { lastRunAt: {} };

export interface ReclaimRun {
  signal: ReclaimSignal;
  actions: { command: string; timeoutMs: number }[];
  reason: string;
}

/** One action as the runner ended it, and the signal's figure (MB free or available) in the samples before and after it. */
export interface ReclaimDone {
  signal: ReclaimSignal;
  command: string;
  code: number | null;
  timedOut: boolean;
  ms: number;
  timeoutMs: number;
  before: number | undefined;
  after: number | undefined;
}

export interface ReclaimInput {
  policy: Pick<Policy, 'levels' | 'mounts' | 'reclaim'>;
  sample: Sample | undefined;
  /** The level engaged before this sample: a level already engaged is not reclaimed for. */
  level: number;
  memory: ReclaimMemory;
  /** Signals whose actions still run. */
  running: ReadonlySet<ReclaimSignal>;
  /** Actions ended since the last cycle, to journal. */
  done: readonly ReclaimDone[];
  now: number;
}

export interface ReclaimDecision {
  runs: ReclaimRun[];
  memory: ReclaimMemory;
  events: JournalEvent[];
}

const signalOf = (name: string): ReclaimSignal => (name === 'MemAvailable' || name === 'swap' ? 'memory' : name);

/** The figure a signal's reclaim frees: MB available (memory) or MB free on the mount. */
export function reclaimFigure(signal: ReclaimSignal, sample: Sample | undefined): number | undefined {
  if (!sample) return undefined;
  const value =
    signal === 'memory' ? sample.memAvailableMb : sample.disks.find((d) => `disk ${d.mount}` === signal)?.freeMb;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

function actionsFor(policy: ReclaimInput['policy'], signal: ReclaimSignal): ReclaimRun['actions'] {
  const r = policy.reclaim;
  const list: readonly ReclaimAction[] =
    (signal === 'memory' ? r?.memory : r?.disk?.[signal.slice('disk '.length)]) ?? [];
  return list.map((a) =>
    typeof a === 'string'
      ? { command: a, timeoutMs: DEFAULT_TIMEOUT_MS }
      : { command: a.command, timeoutMs: a.timeout ? parseDuration(a.timeout) : DEFAULT_TIMEOUT_MS },
  );
}

export function decideReclaim(input: ReclaimInput): ReclaimDecision {
  const { policy, sample, now } = input;
  const at = new Date(now).toISOString();
  const lastRunAt = { ...input.memory.lastRunAt };
  const events: JournalEvent[] = input.done.map((d) => doneEvent(d, at));
  const last = events.at(-1);
  const runs: ReclaimRun[] = [];
  const backoffMs = parseDuration(policy.reclaim?.backoff ?? '30m');
  const seen = new Set<ReclaimSignal>();
  for (const key of LEVEL_KEYS) {
    const level = Number(key);
    if (level <= input.level || !sample) continue;
    for (const r of readLevel(policy.levels[key], sample, policy.mounts).readings) {
      const signal = signalOf(r.signal);
      if (!r.halting || seen.has(signal)) continue;
      seen.add(signal);
      const actions = actionsFor(policy, signal);
      const since = lastRunAt[signal];
      if (actions.length === 0 || input.running.has(signal) || (since !== undefined && now - since < backoffMs))
        continue;
      lastRunAt[signal] = now;
      const reason = `level ${level} crossed (${r.text}): running ${actions.length} reclaim action${actions.length === 1 ? '' : 's'} for ${signal} before its hold ends`;
      runs.push({ signal, actions, reason });
      events.push({ at, kind: 'reclaim-started', level, reason });
    }
  }
  const memory: ReclaimMemory = {
    lastRunAt,
    ...(last ? { last: { at, reason: last.reason } } : input.memory.last ? { last: input.memory.last } : {}),
  };
  return { runs, memory, events };
}

/** The journal line of one action: its exit, its duration, and what the sample after it shows freed. */
function doneEvent(d: ReclaimDone, at: string): JournalEvent {
  const { after } = d;
  const ended = d.timedOut
    ? `killed at its ${formatDuration(d.timeoutMs)} bound`
    : `exit ${d.code ?? 'by signal'} after ${formatDuration(d.ms)}`;
  const unit = d.signal === 'memory' ? 'MB available' : 'MB free';
  const freed =
    after === undefined || d.before === undefined
      ? 'freed: not measured'
      : `freed ${Math.round(after - d.before)} MB (${Math.round(d.before)} -> ${Math.round(after)} ${unit})`;
  return { at, kind: 'reclaim-action', reason: `reclaim ${d.signal}: ${JSON.stringify(d.command)} ${ended}; ${freed}` };
}

/** `status` and STATUS.md: each node's last reclaim action. */
export function reclaimNotes(
  decisions: Iterable<{ node: string; reclaimed?: { at: string; reason: string } }>,
): string[] {
  return [...decisions].flatMap((d) =>
    d.reclaimed ? [`node ${d.node}: last ${d.reclaimed.reason} (${d.reclaimed.at})`] : [],
  );
}

/** reclaim.json as a restart reads it back; anything else starts with no back-off running. */
export function readReclaimMemory(json: unknown): ReclaimMemory {
  const m = json as Partial<ReclaimMemory> | undefined;
  return m && typeof m.lastRunAt === 'object' && m.lastRunAt !== null ? (m as ReclaimMemory) : EMPTY_RECLAIM;
}
