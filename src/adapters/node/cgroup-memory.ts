/**
 * The memory cgroup the sampler's own process runs in: found once (from /proc/self/cgroup and
 * /proc/self/mountinfo, never assuming /sys/fs/cgroup), then its limit, usage and memory.stat
 * read on every sample, because a limit can be changed under a running daemon.
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  CGROUP_FILES,
  cgroupChain,
  memoryStatField,
  parseCgroupMounts,
  parseLimitBytes,
  parseSelfCgroup,
  parseUsageBytes,
  type CgroupReading,
  type CgroupVersion,
} from './cgroup-parse.js';

export interface MemoryCgroup {
  version: CgroupVersion;
  /** The process's own cgroup directory first, then each ancestor up to the mount point. */
  dirs: string[];
}

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
};

/**
 * The directories to read, or undefined when the process has no memory cgroup to measure against
 * (no /proc/self/cgroup, as on a recorded /proc tree, or no memory controller mounted).
 * v2 first: on a hybrid machine its mount lacks the memory controller, so none of its directories
 * has memory.max and v1's memory mount is used. `fsRoot` prefixes mount points, for recorded trees.
 */
export function findMemoryCgroup(proc: string, fsRoot = ''): MemoryCgroup | undefined {
  const self = readText(`${proc}/self/cgroup`);
  const mountinfo = readText(`${proc}/self/mountinfo`);
  if (self === undefined || mountinfo === undefined) return undefined;
  const paths = parseSelfCgroup(self);
  const mounts = parseCgroupMounts(mountinfo);
  for (const version of ['cgroup-v2', 'cgroup-v1'] as const) {
    const path = version === 'cgroup-v2' ? paths.v2 : paths.v1;
    if (path === undefined) continue;
    for (const mount of mounts.filter((m) => m.version === version)) {
      // A directory missing under a namespaced mount is skipped: the chain then starts at the mount point.
      const dirs = cgroupChain(mount, path)
        .map((dir) => `${fsRoot}${dir}`)
        .filter((dir) => existsSync(`${dir}/${CGROUP_FILES[version].limit}`));
      if (dirs.length > 0) return { version, dirs };
    }
  }
  return undefined;
}

/**
 * One reading per directory; usage and memory.stat only where a limit is set. On v1 the own
 * cgroup's memory.stat also gives hierarchical_memory_limit, the tightest limit of all its
 * ancestors, including those a namespaced mount hides.
 */
export function readMemoryCgroup(cgroup: MemoryCgroup, problems: string[]): CgroupReading[] {
  const files = CGROUP_FILES[cgroup.version];
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'latin1');
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      return undefined;
    }
  };
  return cgroup.dirs.map((dir, i) => {
    const limitText = read(`${dir}/${files.limit}`);
    let limitBytes = limitText === undefined ? NaN : parseLimitBytes(limitText);
    const own = i === 0 && cgroup.version === 'cgroup-v1';
    const reading: CgroupReading = { version: cgroup.version, dir, limitBytes, usageBytes: NaN, inactiveFileBytes: 0 };
    if (!Number.isFinite(limitBytes) && !own) return reading;
    const stat = read(`${dir}/${files.stat}`);
    if (own && stat !== undefined)
      limitBytes = Math.min(Number.isNaN(limitBytes) ? Infinity : limitBytes, hierarchicalLimit(stat));
    if (!Number.isFinite(limitBytes)) return reading;
    const usageText = read(`${dir}/${files.usage}`);
    return {
      ...reading,
      limitBytes,
      usageBytes: usageText === undefined ? NaN : parseUsageBytes(usageText),
      inactiveFileBytes: stat === undefined ? 0 : (memoryStatField(stat, files.inactiveFile) ?? 0),
    };
  });
}

function hierarchicalLimit(stat: string): number {
  const value = memoryStatField(stat, 'hierarchical_memory_limit');
  return value === undefined ? Infinity : parseLimitBytes(String(value));
}
