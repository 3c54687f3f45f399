// Runaway agents: a run still going past its role's maxRuntime is stopped (SIGTERM to its process
// group, SIGKILL after the grace), and each role counts how many of its runs in a row ended so.
import type { NodeDecision } from '../config/state-schema.js';
import { formatDuration } from '../duration.js';
import type { JournalEvent } from '../node-cycle.js';

/** One agent run as the node sees it: the loop runner's own child, or a process tree the sampler found. */
export interface AgentRun {
  role: string;
  /** Stable while the run lasts, new for the next run: a loop id or a pid, with its start time. */
  key: string;
  pid: number;
  startedAt: number;
}

export type RunawayStreaks = NonNullable<NodeDecision['runaways']>;

/** What the next cycle needs: per role, the runs seen last time (one that ends on its own breaks the streak). */
export interface RunawayMemory {
  watched: Record<string, string[]>;
  streaks: RunawayStreaks;
}

export const EMPTY_RUNAWAYS: RunawayMemory = { watched: {}, streaks: {} };

export interface RunawayStop extends AgentRun {
  ranMs: number;
  limitMs: number;
  /** This role's runs stopped in a row, this one included. */
  count: number;
  reason: string;
}

export interface RunawayInput {
  runs: readonly AgentRun[];
  /** Per role its maxRuntime in ms; a role without one (or protected) is never stopped for running long. */
  limits: Readonly<Record<string, number | undefined>>;
  memory: RunawayMemory;
  /** Run keys whose stop is still in progress: not stopped twice. */
  stopping: ReadonlySet<string>;
  now: number;
}

export interface RunawayDecision {
  stops: RunawayStop[];
  memory: RunawayMemory;
  /** A streak broken by a run that ended on its own. */
  events: JournalEvent[];
}

export function decideRunaways(input: RunawayInput): RunawayDecision {
  const { now } = input;
  const streaks: RunawayStreaks = { ...input.memory.streaks };
  const events: JournalEvent[] = [];
  const stops: RunawayStop[] = [];
  const watched: Record<string, string[]> = {};
  const current = new Set(input.runs.map((r) => r.key));
  for (const [role, keys] of Object.entries(input.memory.watched)) {
    if (!streaks[role] || !keys.some((k) => !current.has(k) && !input.stopping.has(k))) continue;
    events.push({
      at: new Date(now).toISOString(),
      kind: 'runaway-streak-ended',
      role,
      reason: `a ${role} run ended on its own after ${streaks[role].count} stopped past maxRuntime in a row`,
    });
    delete streaks[role];
  }
  for (const run of input.runs) {
    const limitMs = input.limits[run.role];
    const ranMs = now - run.startedAt;
    if (input.stopping.has(run.key)) continue;
    if (limitMs === undefined || ranMs <= limitMs) {
      (watched[run.role] ??= []).push(run.key);
      continue;
    }
    const count = (streaks[run.role]?.count ?? 0) + 1;
    const reason = `runaway: the ${run.role} agent (pid ${run.pid}) ran ${formatDuration(ranMs)}, past its maxRuntime of ${formatDuration(limitMs)} (${count} in a row)`;
    streaks[run.role] = { count, at: new Date(now).toISOString(), reason };
    stops.push({ ...run, ranMs, limitMs, count, reason });
  }
  return { stops, memory: { watched, streaks }, events };
}

/** The journal line once a runaway is stopped: why, and how. */
export function runawayStoppedEvent(
  stop: RunawayStop,
  outcome: { by: 'SIGTERM' | 'SIGKILL'; pids: number[]; graceMs: number },
  now: number,
): JournalEvent {
  const how = outcome.by === 'SIGKILL' ? `SIGTERM, then SIGKILL after ${outcome.graceMs} ms` : 'SIGTERM';
  const pids = outcome.pids.length > 0 ? `, processes ${outcome.pids.join(' ')}` : '';
  return {
    at: new Date(now).toISOString(),
    kind: 'agent-runaway-stopped',
    role: stop.role,
    reason: `${stop.reason}: stopped by ${how}${pids}`,
  };
}

/** `status` and STATUS.md: a role whose runs keep being stopped for running too long. */
export function runawayNotes(decisions: Iterable<NodeDecision>): string[] {
  const notes: string[] = [];
  for (const d of decisions)
    for (const [role, s] of Object.entries(d.runaways ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)))
      notes.push(
        `node ${d.node}: ${role} stopped past maxRuntime ${s.count} time${s.count === 1 ? '' : 's'} in a row (last ${s.at}: ${s.reason})`,
      );
  return notes;
}

/** runaways.json as a restart reads it back; anything else starts with no streak. */
export function readRunawayMemory(json: unknown): RunawayMemory {
  const m = json as Partial<RunawayMemory> | undefined;
  const isRecord = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  return m && isRecord(m.watched) && isRecord(m.streaks) ? (m as RunawayMemory) : EMPTY_RUNAWAYS;
}
