import { readFileSync } from 'node:fs';
import type { StopTarget } from '../../domain/node/agent-stop.js';
import { groupMembers } from '../process/process-group.js';

export type { StopTarget } from '../../domain/node/agent-stop.js';

export interface StoppedAgent {
  role: string;
  pid: number;
  /** SIGTERM: the tree was gone within the grace; SIGKILL: some of it had to be killed. */
  by: 'SIGTERM' | 'SIGKILL';
  pids: number[];
}

export interface StopOptions {
  /** No agent whose tree holds one of these is signalled: this daemon, its ancestors, protected roles' processes. */
  spared: ReadonlySet<number>;
  proc?: string;
  pollMs?: number;
}

/** factoryctl itself (the node daemon, the supervisor, a gate): never stopped as an agent. */
const FACTORYCTL = /(^|\/)(factoryctl(\.c?js)?|dist\/cli\.js|gate\.cjs)$/;

/**
 * Stops agents the sampler found: SIGTERM to every process of each agent's tree, then SIGKILL
 * after `graceMs` to what still runs. A pid is only signalled again while it is the same process
 * (its start time unchanged), so a pid reused meanwhile is left alone.
 */
export async function stopAgentProcesses(
  targets: readonly StopTarget[],
  graceMs: number,
  opts: StopOptions,
): Promise<StoppedAgent[]> {
  const proc = opts.proc ?? '/proc';
  // A factoryctl at the top is not an agent; one inside an agent's tree (its gate) is left to end with it.
  const chosen = targets
    .filter((t) => !isFactoryctl(proc, t.pid) && !t.tree.some((pid) => opts.spared.has(pid)))
    .map((t) => ({ ...t, tree: withGroup(proc, t).filter((pid) => pid === t.pid || !isFactoryctl(proc, pid)) }))
    .map((t) => ({ ...t, tree: t.tree.filter((pid) => pid === t.pid || !opts.spared.has(pid)) }));
  const started = new Map<number, string>();
  for (const t of chosen)
    for (const pid of t.tree) {
      const at = startTime(proc, pid);
      if (at !== undefined) started.set(pid, at);
    }
  const alive = (pid: number) => started.has(pid) && startTime(proc, pid) === started.get(pid) && !isZombie(proc, pid);
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      if (alive(pid)) process.kill(pid, sig);
    } catch {
      // gone between the check and the signal
    }
  };
  for (const t of chosen) for (const pid of t.tree) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  const anyAlive = () => chosen.some((t) => t.tree.some(alive));
  while (anyAlive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 100));
  return chosen.map((t) => {
    const survivors = t.tree.filter(alive);
    for (const pid of survivors) signal(pid, 'SIGKILL');
    return {
      role: t.role,
      pid: t.pid,
      by: survivors.length > 0 ? 'SIGKILL' : 'SIGTERM',
      pids: t.tree.filter((pid) => started.has(pid)),
    };
  });
}

/**
 * The run's tree and, when asked, its process group: the one its top process leads (the loop
 * runner's), or its parent's when that parent leads a group of its own (cron's `sh -c` line after
 * setsid), which also reaches what the run left behind. Cron's own group is never the parent's.
 */
function withGroup(proc: string, t: StopTarget): number[] {
  if (!t.group) return t.tree;
  const pgid = Number(statFields(proc, t.pid)?.[2]);
  const parent = Number(statFields(proc, t.pid)?.[1]);
  if (!Number.isFinite(pgid) || (pgid !== t.pid && pgid !== parent) || pgid <= 1) return t.tree;
  return [...new Set([...t.tree, ...groupMembers(pgid)])];
}

/** This process and its ancestors up to init. */
export function selfAndAncestors(proc = '/proc'): Set<number> {
  const found = new Set<number>();
  for (let pid = process.pid; pid > 1 && !found.has(pid);) {
    found.add(pid);
    const fields = statFields(proc, pid);
    if (!fields) break;
    pid = Number(fields[1]);
  }
  return found;
}

/** Fields after "pid (comm) ": state, ppid, ..., starttime is the 20th. */
function statFields(proc: string, pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`${proc}/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const startTime = (proc: string, pid: number) => statFields(proc, pid)?.[19];
const isZombie = (proc: string, pid: number) => statFields(proc, pid)?.[0] === 'Z';

function isFactoryctl(proc: string, pid: number): boolean {
  try {
    return readFileSync(`${proc}/${pid}/cmdline`, 'latin1')
      .split('\0')
      .slice(0, 3)
      .some((arg) => FACTORYCTL.test(arg));
  } catch {
    return false;
  }
}
