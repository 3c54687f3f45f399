// The processes of one agent slot's current run, found by the environment every run carries
// (FACTORY_DIR, FACTORY_ROLE, and FACTORY_REPO for a repository's slot: the crontab line and the
// loop runner both set them), and stopped: SIGTERM, then SIGKILL to what is left after a grace.
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { groupMembers } from '../process/process-group.js';

export interface SlotQuery {
  dir: string;
  role: string;
  repo?: string;
  /** Never signalled: the asking process and its ancestors. */
  spared: ReadonlySet<number>;
}

export interface SlotStop {
  /** Top processes of the runs found (a crontab line's command, a loop runner's shell). */
  runs: number[];
  /** Every pid signalled. */
  pids: number[];
  by: 'SIGTERM' | 'SIGKILL' | 'none';
}

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  start: string;
}

export async function stopSlot(query: SlotQuery, graceMs: number, pollMs = 50): Promise<SlotStop> {
  const procs = listProcs();
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const matches = new Set(procs.filter((p) => !query.spared.has(p.pid) && isSlotRun(p.pid, query)).map((p) => p.pid));
  // A run's top: matching, its parent not (the gate and the agent's children inherit the environment).
  const runs = [...matches].filter((pid) => !matches.has(byPid.get(pid)!.ppid));
  if (runs.length === 0) return { runs, pids: [], by: 'none' };
  const children = new Map<number, number[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const targets = new Set<number>();
  for (const run of runs) {
    // A run that leads its own process group (the loop runner's) is stopped as a group, which also
    // reaches what it left behind; one inside another's group (cron's) by its tree alone.
    if (byPid.get(run)!.pgid === run) for (const pid of groupMembers(run)) targets.add(pid);
    for (const pid of tree(run, children)) targets.add(pid);
  }
  for (const pid of query.spared) targets.delete(pid);
  const started = new Map([...targets].map((pid) => [pid, byPid.get(pid)?.start ?? startOf(pid)]));
  const alive = (pid: number) => {
    const now = readProc(pid);
    return now !== undefined && now.start === started.get(pid) && now.state !== 'Z';
  };
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of targets)
      try {
        if (alive(pid)) process.kill(pid, sig);
      } catch {
        // gone meanwhile
      }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while ([...targets].some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, pollMs));
  const survivors = [...targets].some(alive);
  if (survivors) signal('SIGKILL');
  return { runs, pids: [...targets], by: survivors ? 'SIGKILL' : 'SIGTERM' };
}

function isSlotRun(pid: number, q: SlotQuery): boolean {
  const vars = factoryVars(pid);
  if (vars.get('FACTORY_ROLE') !== q.role || vars.get('FACTORY_REPO') !== q.repo) return false;
  return sameDir(vars.get('FACTORY_DIR'), q.dir);
}

/** Whether a process is a run of this control repo's agents (the environment every run carries), whatever its slot. */
export function isFactoryRun(pid: number, dir: string): boolean {
  return sameDir(factoryVars(pid).get('FACTORY_DIR'), dir);
}

const sameDir = (found: string | undefined, dir: string) =>
  found !== undefined && (found === dir || realpathOr(found) === realpathOr(dir));

/** The FACTORY_* variables a process was started with (the crontab line's or the loop runner's). */
export function factoryVars(pid: number, proc = '/proc'): Map<string, string> {
  const vars = new Map<string, string>();
  let environ: string;
  try {
    environ = readFileSync(`${proc}/${pid}/environ`, 'latin1');
  } catch {
    return vars; // gone, or another user's
  }
  for (const entry of environ.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0 && entry.startsWith('FACTORY_')) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return vars;
}

function tree(root: number, children: Map<number, number[]>): number[] {
  const found = [root];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]!) ?? []));
  return found;
}

function listProcs(): Proc[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      const p = readProc(Number(d));
      return p && p.state !== 'Z' ? [p] : [];
    });
}

function readProc(pid: number): (Proc & { state: string }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) state ppid pgrp ... starttime(22nd)": comm may hold spaces, so split after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: f[0]!, ppid: Number(f[1]), pgid: Number(f[2]), start: f[19]! };
  } catch {
    return undefined;
  }
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const startOf = (pid: number) => readProc(pid)?.start;
