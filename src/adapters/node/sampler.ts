/**
 * The machine sampler. It reads /proc and statfs directly instead of using systeminformation:
 * measured on this kind of machine (../shared/MEASUREMENTS.md), /proc/meminfo costs 0.06 ms
 * against 0.8 ms for si.mem(), statfs 0.003 ms against 8 ms and 3 child processes for
 * si.fsSize(), and si.processes() takes 90 ms; its own cost is part of the product (target:
 * under 0.2% of one core at a 5 s interval, see bench/sampler.bench.mjs). Linux only, by design.
 * Memory is measured against the lower of the machine and the daemon's memory cgroup limit: in a
 * container, an LXC or a limited systemd slice, /proc/meminfo shows the host's memory.
 */
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import type { AgentProcess } from '../../domain/node/agent-stop.js';
import type { AgentsOfRole, DiskSample, Sample } from '../../domain/pressure/sample.js';
import { findMemoryCgroup, readMemoryCgroup } from './cgroup-memory.js';
import { factoryVars } from './slot-processes.js';
import { effectiveMemory } from './cgroup-parse.js';
import {
  agentMatchKey,
  argvMatches,
  cpuBusyPercent,
  parseCpuTimes,
  parseLoad1,
  parseMeminfo,
  parseVmRssMb,
  type CpuTimes,
} from './proc-parse.js';

export interface Sampler {
  /** Never rejects for a failed read: the figure is NaN (a mount absent) and `problems` says why. */
  sample(): Promise<Sample>;
  /** Per role, the agents the last sample counted: each one's top process and its whole tree (pids). */
  agentProcesses?(): Record<string, AgentProcess[]>;
}

export type { AgentProcess } from '../../domain/node/agent-stop.js';

export interface ProcSamplerOptions {
  /** Mount points to statfs. */
  mounts: readonly string[];
  /** Per role, the agent command whose running processes are counted; no commands, no process scan. */
  roleCommands?: Readonly<Record<string, string | undefined>>;
  now?: () => number;
  /** Another /proc, for tests on recorded trees. */
  procRoot?: string;
  /** Prefix of the cgroup mount points /proc/self/mountinfo names, for tests on recorded trees. */
  cgroupFsRoot?: string;
}

const MIB = 1024 * 1024;
// Telemetry is committed to Git: a tenth of a MB (or a hundredth of a percent) is precision enough.
const round = (value: number, places = 1) => Number(value.toFixed(places));

export function createProcSampler(options: ProcSamplerOptions): Sampler {
  const proc = options.procRoot ?? '/proc';
  const now = options.now ?? Date.now;
  const keys = Object.entries(options.roleCommands ?? {})
    .map(([role, command]) => [role, command === undefined ? undefined : agentMatchKey(command)] as const)
    .filter((e): e is readonly [string, string] => e[1] !== undefined);
  // The previous /proc/stat reading: CPU busy is a difference between two samples.
  let previousCpu: CpuTimes | undefined;
  let lastAgents: Record<string, AgentProcess[]> = {};
  // Found once: the cgroup files themselves are read on every sample.
  const cgroup = findMemoryCgroup(proc, options.cgroupFsRoot);

  return {
    async sample() {
      const problems: string[] = [];
      const read = (file: string): string | undefined => {
        try {
          return readFileSync(`${proc}/${file}`, 'latin1');
        } catch (error) {
          problems.push(`${proc}/${file}: ${(error as Error).message}`);
          return undefined;
        }
      };
      const at = now();
      const meminfo = read('meminfo');
      const parsed = meminfo === undefined ? undefined : parseMeminfo(meminfo);
      const bound = effectiveMemory(
        { memTotalMb: parsed?.memTotalMb ?? NaN, memAvailableMb: parsed?.memAvailableMb ?? NaN },
        cgroup === undefined ? [] : readMemoryCgroup(cgroup, problems),
      );
      const mem = {
        memTotalMb: round(bound.memTotalMb),
        memAvailableMb: round(bound.memAvailableMb),
        swapUsedMb: round(parsed?.swapUsedMb ?? NaN),
      };
      const loadavg = read('loadavg');
      const stat = read('stat');
      const cpu = stat === undefined ? undefined : parseCpuTimes(stat);
      const busy = cpu === undefined ? undefined : cpuBusyPercent(previousCpu, cpu);
      previousCpu = cpu ?? previousCpu;
      const disks = options.mounts.flatMap((mount) => statDisk(mount, problems));
      const sample: Sample = {
        at,
        ...mem,
        disks,
        load1: loadavg === undefined ? NaN : parseLoad1(loadavg),
        cores: cpu?.cores ?? NaN,
        memLimit:
          bound.memLimit.source === 'meminfo'
            ? bound.memLimit
            : { ...bound.memLimit, limitMb: round(bound.memLimit.limitMb) },
      };
      if (busy !== undefined) sample.cpuBusyPercent = round(busy);
      if (keys.length > 0) {
        const scanned = scanAgents(proc, keys, stat === undefined ? undefined : parseBootTimeMs(stat));
        sample.agents = scanned.counts;
        lastAgents = scanned.processes;
      }
      if (problems.length > 0) sample.problems = problems;
      return sample;
    },
    agentProcesses: () => lastAgents,
  };
}

function statDisk(mount: string, problems: string[]): DiskSample[] {
  try {
    const s = statfsSync(mount);
    const used = (s.blocks - s.bfree) * s.bsize;
    const available = s.bavail * s.bsize;
    // As df computes Use%: against what non-root users can still write, not the raw size.
    const usedPercent = used + available > 0 ? (used / (used + available)) * 100 : 0;
    return [{ mount, usedPercent: round(usedPercent, 2), freeMb: round(available / MIB) }];
  } catch (error) {
    problems.push(`statfs ${mount}: ${(error as Error).message}`);
    return [];
  }
}

/**
 * Agents per role: processes whose command line runs the role's script, each counted once with
 * its whole process tree (the LLM session it starts is where the memory goes).
 */
function scanAgents(
  proc: string,
  keys: readonly (readonly [string, string])[],
  bootMs: number | undefined,
): { counts: Record<string, AgentsOfRole>; processes: Record<string, AgentProcess[]> } {
  const matched = new Map<string, number[]>(keys.map(([role]) => [role, []]));
  for (const entry of readdirSync(proc)) {
    const first = entry.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`${proc}/${entry}/cmdline`, 'latin1');
    } catch {
      continue; // exited between readdir and read
    }
    if (cmdline === '') continue; // kernel thread or zombie
    let argv: string[] | undefined;
    for (const [role, key] of keys) {
      if (!cmdline.includes(key)) continue; // cheap test before splitting
      argv ??= cmdline.split('\0');
      if (argvMatches(argv, key)) matched.get(role)!.push(Number(entry));
    }
  }
  const result: Record<string, AgentsOfRole> = {};
  const processes: Record<string, AgentProcess[]> = {};
  for (const [role, pids] of matched) {
    const trees = new Map(pids.map((pid) => [pid, descendants(proc, pid)]));
    const inner = new Set([...trees.values()].flatMap((tree) => tree.slice(1)));
    const roots = pids.filter((pid) => !inner.has(pid)); // a wrapper and the script it runs are one agent
    const counted = new Set<number>();
    const agents: AgentsOfRole = { count: roots.length, rssMb: 0 };
    for (const root of roots) {
      let rssMb = 0;
      for (const pid of trees.get(root)!) {
        if (counted.has(pid)) continue;
        counted.add(pid);
        try {
          rssMb += parseVmRssMb(readFileSync(`${proc}/${pid}/status`, 'latin1'));
        } catch {
          // exited meanwhile: nothing resident any more
        }
      }
      agents.rssMb += rssMb;
      // A repository's run says which (FACTORY_REPO): placement learns each slot's own peak.
      const repo = factoryVars(root, proc).get('FACTORY_REPO');
      if (repo) {
        const r = ((agents.repos ??= {})[repo] ??= { count: 0, rssMb: 0 });
        r.count += 1;
        r.rssMb += rssMb;
      }
    }
    agents.rssMb = round1(agents.rssMb);
    for (const r of Object.values(agents.repos ?? {})) r.rssMb = round1(r.rssMb);
    result[role] = agents;
    processes[role] = roots.map((pid) => {
      const startedAt = bootMs === undefined ? undefined : startedAtMs(proc, pid, bootMs);
      return { pid, tree: trees.get(pid)!, ...(startedAt === undefined ? {} : { startedAt }) };
    });
  }
  return { counts: result, processes };
}

/** The pid and every descendant, through /proc/<pid>/task/<tid>/children of each thread. */
function descendants(proc: string, root: number): number[] {
  const found = [root];
  for (let i = 0; i < found.length; i += 1) {
    const pid = found[i]!;
    let tids: string[];
    try {
      tids = readdirSync(`${proc}/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        for (const child of readFileSync(`${proc}/${pid}/task/${tid}/children`, 'latin1').split(' '))
          if (child.trim()) found.push(Number(child));
      } catch {
        // thread gone, or a kernel without CONFIG_PROC_CHILDREN: count the process alone
      }
    }
  }
  return found;
}

// USER_HZ: the unit of /proc/<pid>/stat's start time, 100 on every Linux ABI Node runs on.
const CLOCK_TICKS_PER_S = 100;

/** btime of /proc/stat: when the machine booted. */
function parseBootTimeMs(stat: string): number | undefined {
  const match = /^btime (\d+)$/m.exec(stat);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** When a process started, from its start time in clock ticks after boot (the 22nd field of its stat). */
function startedAtMs(proc: string, pid: number, bootMs: number): number | undefined {
  try {
    const stat = readFileSync(`${proc}/${pid}/stat`, 'latin1');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(ticks) ? bootMs + (ticks * 1000) / CLOCK_TICKS_PER_S : undefined;
  } catch {
    return undefined; // exited meanwhile
  }
}

const round1 = (mb: number) => Math.round(mb * 10) / 10;
