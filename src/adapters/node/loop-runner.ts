import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { groupMembers, signalGroup } from '../process/process-group.js';
import type { Assignment } from '../../domain/assignments.js';
import type { RoleState } from '../../domain/effective-state.js';

export type LoopEvent =
  | { type: 'started'; id: string; pid: number | undefined }
  | { type: 'exited'; id: string; code: number | null; signal: string | null; ranMs: number }
  | { type: 'stopping'; id: string; signal: 'SIGTERM' | 'SIGKILL' }
  | { type: 'halted' | 'resumed'; id: string; reason: string }
  | { type: 'error'; id: string; message: string };

export interface SpawnRequest {
  command: string;
  cwd: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Append stdout and stderr here, when given. */
  logFile: string | undefined;
}
export type SpawnAgent = (request: SpawnRequest) => ChildProcess;

export interface LoopRunnerOptions {
  spawn?: SpawnAgent;
  now: () => number;
  log: (event: LoopEvent) => void;
  /** Working directory of the agents (the control repo, as in crontab mode). */
  cwd?: string;
  baseEnv?: NodeJS.ProcessEnv;
  /** The assignment's repository environment (e.g. repoEnvVars); a throw skips that start, logged. */
  envFor?: (a: Assignment) => Record<string, string>;
  logFile?: (a: Assignment) => string | undefined;
  /** The command line that starts an assignment (the node's: its command through `gate ROLE -- ...`); default its command. */
  commandFor?: (a: Assignment) => string;
  /** First runs are spread over this much time by id, so a restart does not start every agent at once. */
  firstRunSpreadMs?: number;
}

export interface RunningAgent {
  id: string;
  role: string;
  repo?: string;
  pid: number | undefined;
  startedAt: number;
}

export interface LoopRunner {
  /** The node's current assignments and their effective states; call on every pass. */
  update(assignments: Assignment[], stateOf: (a: Assignment) => RoleState): void;
  /** Starts what is due, not halted and not already running. */
  tick(now: number): { started: string[] };
  /** When the next start is due (undefined: nothing is waiting), for a dynamic sleep. */
  nextDueAt(): number | undefined;
  running(): RunningAgent[];
  /** SIGTERM the running agents of halted assignments, SIGKILL after graceMs; resolves when they are gone. */
  stopHalted(graceMs: number): Promise<string[]>;
  /** Starts nothing more and stops every running agent the same way. */
  stopAll(graceMs?: number): Promise<string[]>;
  /** Stops the runs named by runKey (runaways) the same way; how each ended. */
  stopRuns(keys: readonly string[], graceMs: number): Promise<{ key: string; by: 'SIGTERM' | 'SIGKILL' }[]>;
}

/** One run of one assignment: a later run of the same assignment has another key. */
export const runKey = (r: Pick<RunningAgent, 'id' | 'startedAt'>) => `loop:${r.id}:${r.startedAt}`;

interface Run {
  child: ChildProcess;
  startedAt: number;
  leaderExited: boolean;
}
interface Entry {
  assignment: Assignment;
  firstDueAt: number;
  lastStartedAt?: number;
  halted: boolean;
  removed: boolean;
  run?: Run;
}

const KILL_WAIT_MS = 5_000;

export function createLoopRunner(opts: LoopRunnerOptions): LoopRunner {
  const spawn = opts.spawn ?? defaultSpawn;
  const entries = new Map<string, Entry>();
  let stopping = false;

  const start = (e: Entry, now: number): boolean => {
    const a = e.assignment;
    e.lastStartedAt = now;
    let env: NodeJS.ProcessEnv;
    try {
      env = {
        ...(opts.baseEnv ?? process.env),
        FACTORY_ROLE: a.role,
        ...(a.repo ? { FACTORY_REPO: a.repo } : {}),
        ...(opts.envFor?.(a) ?? {}),
      };
    } catch (error) {
      opts.log({ type: 'error', id: a.id, message: `not started: ${(error as Error).message}` });
      return false;
    }
    let child: ChildProcess;
    try {
      child = spawn({ command: opts.commandFor?.(a) ?? a.command, cwd: opts.cwd, env, logFile: opts.logFile?.(a) });
    } catch (error) {
      opts.log({ type: 'error', id: a.id, message: `not started: ${(error as Error).message}` });
      return false;
    }
    const run: Run = { child, startedAt: now, leaderExited: false };
    child.once('exit', (code, sig) => {
      run.leaderExited = true;
      opts.log({ type: 'exited', id: a.id, code, signal: sig, ranMs: opts.now() - now });
      reap(e);
    });
    child.once('error', (error) => {
      opts.log({ type: 'error', id: a.id, message: error.message });
      run.leaderExited = true;
      reap(e);
    });
    e.run = run;
    opts.log({ type: 'started', id: a.id, pid: child.pid });
    return true;
  };

  /** The run is over when its shell has exited and nothing it started is left in its group. */
  const reap = (e: Entry): void => {
    const run = e.run;
    if (!run || !run.leaderExited) return;
    if (run.child.pid !== undefined && groupMembers(run.child.pid).length > 0) return;
    e.run = undefined;
    if (e.removed) entries.delete(e.assignment.id);
  };
  const reapAll = () => {
    for (const e of [...entries.values()]) reap(e);
  };

  const stopEach = (targets: Entry[], graceMs: number): Promise<('SIGTERM' | 'SIGKILL')[]> =>
    Promise.all(
      targets.map(async (e) => {
        const run = e.run!;
        const gone = () => (reap(e), e.run !== run);
        opts.log({ type: 'stopping', id: e.assignment.id, signal: 'SIGTERM' });
        signal(run.child, 'SIGTERM');
        if (await poll(gone, graceMs)) return 'SIGTERM' as const;
        opts.log({ type: 'stopping', id: e.assignment.id, signal: 'SIGKILL' });
        signal(run.child, 'SIGKILL');
        if (!(await poll(gone, KILL_WAIT_MS)))
          opts.log({ type: 'error', id: e.assignment.id, message: `still running ${KILL_WAIT_MS} ms after SIGKILL` });
        return 'SIGKILL' as const;
      }),
    );
  const stop = async (targets: Entry[], graceMs: number): Promise<string[]> => {
    await stopEach(targets, graceMs);
    return targets.map((e) => e.assignment.id);
  };

  return {
    update(assignments, stateOf) {
      const now = opts.now();
      const seen = new Set<string>();
      for (const a of assignments) {
        seen.add(a.id);
        const state = stateOf(a);
        const halted = state.state === 'halt';
        const e = entries.get(a.id);
        if (!e) {
          entries.set(a.id, {
            assignment: a,
            halted,
            removed: false,
            firstDueAt: now + spread(a.id, Math.min(a.intervalMs, opts.firstRunSpreadMs ?? 0)),
          });
          if (halted) opts.log({ type: 'halted', id: a.id, reason: state.reason });
          continue;
        }
        if (e.halted !== halted) opts.log({ type: halted ? 'halted' : 'resumed', id: a.id, reason: state.reason });
        Object.assign(e, { assignment: a, halted, removed: false });
      }
      for (const [id, e] of entries) {
        if (seen.has(id)) continue;
        // No longer assigned: a running agent finishes its work, and is not started again.
        if (e.run) e.removed = true;
        else entries.delete(id);
      }
    },
    tick(now) {
      reapAll();
      const started: string[] = [];
      if (stopping) return { started };
      for (const e of entries.values()) {
        if (e.removed || e.halted || e.run || dueAt(e, e.assignment.intervalMs) > now) continue;
        if (start(e, now)) started.push(e.assignment.id);
      }
      return { started };
    },
    nextDueAt() {
      reapAll();
      const due = [...entries.values()]
        .filter((e) => !e.removed && !e.halted && !e.run && !stopping)
        .map((e) => dueAt(e, e.assignment.intervalMs));
      return due.length > 0 ? Math.min(...due) : undefined;
    },
    running() {
      reapAll();
      return [...entries.values()].flatMap((e) =>
        e.run
          ? [
              {
                id: e.assignment.id,
                role: e.assignment.role,
                ...(e.assignment.repo ? { repo: e.assignment.repo } : {}),
                pid: e.run.child.pid,
                startedAt: e.run.startedAt,
              },
            ]
          : [],
      );
    },
    stopHalted(graceMs) {
      reapAll();
      return stop(
        [...entries.values()].filter((e) => e.run && e.halted),
        graceMs,
      );
    },
    async stopRuns(keys, graceMs) {
      reapAll();
      const wanted = new Set(keys);
      const targets = [...entries.values()].filter(
        (e) => e.run && wanted.has(runKey({ id: e.assignment.id, startedAt: e.run.startedAt })),
      );
      const named = targets.map((e) => runKey({ id: e.assignment.id, startedAt: e.run!.startedAt }));
      const ends = await stopEach(targets, graceMs);
      return named.map((key, i) => ({ key, by: ends[i]! }));
    },
    stopAll(graceMs = 10_000) {
      stopping = true;
      reapAll();
      return stop(
        [...entries.values()].filter((e) => e.run),
        graceMs,
      );
    },
  };
}

/** Agents run in their own process group, so a stop reaches the children a poll script starts. */
const defaultSpawn: SpawnAgent = ({ command, cwd, env, logFile }) => {
  let fd: number | undefined;
  if (logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    fd = openSync(logFile, 'a');
  }
  try {
    return nodeSpawn('/bin/sh', ['-c', command], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', fd ?? 'ignore', fd ?? 'ignore'],
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  // A custom spawn without `detached` makes no group: signal the child alone.
  if (child.pid === undefined || !signalGroup(child.pid, sig)) child.kill(sig);
}

/** Checks a condition every 20 ms until it holds or the time is up; says which. */
async function poll(done: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(20, Math.max(1, deadline - Date.now()))));
  }
  return true;
}

/** Runs are spaced from start to start, as cron spaces them; the first waits for its spread. */
function dueAt(e: Entry, intervalMs: number): number {
  return e.lastStartedAt !== undefined ? e.lastStartedAt + intervalMs : e.firstDueAt;
}

function spread(id: string, windowMs: number): number {
  if (windowMs <= 0) return 0;
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % windowMs;
}
