// Pure parsers and arithmetic for the memory cgroup the node daemon runs in, kept apart from the
// reads so they can be tested on recorded file texts (cgroup v1 and v2).
import { posix } from 'node:path';
import type { MemLimitSource } from '../../domain/pressure/sample.js';

export type CgroupVersion = 'cgroup-v1' | 'cgroup-v2';

/** The process's memory cgroup paths from /proc/self/cgroup: the v2 line `0::/path`, the v1 line naming `memory`. */
export function parseSelfCgroup(text: string): { v2?: string; v1?: string } {
  const out: { v2?: string; v1?: string } = {};
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const [id, controllers, path] = [line.slice(0, first), line.slice(first + 1, second), line.slice(second + 1)];
    if (id === '0' && controllers === '') out.v2 = path;
    else if (controllers.split(',').includes('memory')) out.v1 = path;
  }
  return out;
}

export interface CgroupMount {
  version: CgroupVersion;
  /** The cgroup the mount shows at its mount point (not "/" when the mount is namespaced). */
  root: string;
  mountPoint: string;
}

// mountinfo escapes space, tab, newline and backslash in paths as octal (\040).
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * The memory cgroup mounts of /proc/self/mountinfo: every cgroup2 mount, and the v1 mounts whose
 * super options name `memory`. Fields: id parent dev root mountpoint options [optional...] - fstype source super.
 */
export function parseCgroupMounts(text: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6) continue;
    const [fstype, , superOptions = ''] = fields.slice(dash + 1);
    const base = { root: unescape(fields[3]!), mountPoint: unescape(fields[4]!) };
    if (fstype === 'cgroup2') mounts.push({ version: 'cgroup-v2', ...base });
    else if (fstype === 'cgroup' && superOptions.split(',').includes('memory'))
      mounts.push({ version: 'cgroup-v1', ...base });
  }
  return mounts;
}

/**
 * The directories whose limits bind the process, its own first and the mount point last: a limit
 * on an ancestor binds too. A path outside the mount's root (a namespaced mount) starts at the mount point.
 */
export function cgroupChain(mount: CgroupMount, cgroupPath: string): string[] {
  const root = mount.root === '/' ? '' : mount.root;
  const inside = cgroupPath === root || cgroupPath.startsWith(`${root}/`) ? cgroupPath.slice(root.length) : '';
  const chain: string[] = [];
  for (let rel = posix.normalize(`/${inside}`); ; rel = posix.dirname(rel)) {
    chain.push(rel === '/' ? mount.mountPoint : posix.join(mount.mountPoint, rel));
    if (rel === '/') return chain;
  }
}

/** The limit, usage and stat files of each version. */
export const CGROUP_FILES = {
  'cgroup-v2': { limit: 'memory.max', usage: 'memory.current', stat: 'memory.stat', inactiveFile: 'inactive_file' },
  'cgroup-v1': {
    limit: 'memory.limit_in_bytes',
    usage: 'memory.usage_in_bytes',
    stat: 'memory.stat',
    // total_: this cgroup and its descendants, as usage_in_bytes counts them.
    inactiveFile: 'total_inactive_file',
  },
} as const;

// v1 writes "no limit" as the largest page-aligned signed 64-bit number (9223372036854771712).
const V1_UNLIMITED = 2 ** 62;

/** memory.max or memory.limit_in_bytes in bytes: "max" or the v1 huge number is Infinity; unreadable text NaN. */
export function parseLimitBytes(text: string): number {
  const t = text.trim();
  if (t === 'max') return Infinity;
  if (!/^\d+$/.test(t)) return NaN;
  const n = Number(t);
  return n >= V1_UNLIMITED ? Infinity : n;
}

/** memory.current or memory.usage_in_bytes in bytes; NaN for anything else. */
export function parseUsageBytes(text: string): number {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : NaN;
}

/** One key of memory.stat ("key value" lines) in bytes; undefined when absent. */
export function memoryStatField(text: string, key: string): number | undefined {
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/** What the sampler read in one cgroup directory of the chain. */
export interface CgroupReading {
  version: CgroupVersion;
  dir: string;
  /** Bytes; Infinity for no limit; NaN unreadable. */
  limitBytes: number;
  /** Bytes; NaN when unread or unreadable. */
  usageBytes: number;
  /** From memory.stat; 0 when memory.stat lacks it (nothing known to be reclaimable). */
  inactiveFileBytes: number;
}

/**
 * The working set as the kernel's own consumers count it: usage minus the inactive file cache,
 * the page cache reclaimed first under pressure. cAdvisor's setMemoryStats
 * (google/cadvisor container/libcontainer/handler.go) computes `workingSet = usage - total_inactive_file`
 * (v1; `inactive_file` on v2), floored at 0, and the kubelet evicts on
 * `memory.available := capacity - workingSet` (kubernetes.io node-pressure-eviction docs and their
 * memory-available.sh, which does the same arithmetic on memory.usage_in_bytes and memory.stat).
 */
export function workingSetBytes(usageBytes: number, inactiveFileBytes: number): number {
  return Math.max(0, usageBytes - inactiveFileBytes);
}

export interface EffectiveMemory {
  memTotalMb: number;
  memAvailableMb: number;
  memLimit: MemLimitSource;
}

const MIB = 1024 * 1024;

/**
 * The lower of /proc/meminfo and the tightest cgroup limit on the chain: total = min(MemTotal, limit),
 * available = min(MemAvailable, limit - working set) at every limited level. A limit at or above the
 * machine's memory binds nothing (meminfo stays the source); a limit whose usage could not be read
 * leaves available unknown (NaN), which holds a halt but never releases one.
 */
export function effectiveMemory(
  meminfo: { memTotalMb: number; memAvailableMb: number },
  readings: readonly CgroupReading[],
): EffectiveMemory {
  const physical = meminfo.memTotalMb;
  let total = physical;
  let available = meminfo.memAvailableMb;
  let memLimit: MemLimitSource = { source: 'meminfo' };
  for (const r of readings) {
    const limitMb = r.limitBytes / MIB;
    if (!Number.isFinite(limitMb) || limitMb >= physical) continue;
    // Every limited level counts for available, not only the smallest: siblings share an ancestor's limit.
    available = Math.min(available, limitMb - workingSetBytes(r.usageBytes, r.inactiveFileBytes) / MIB);
    if (!(limitMb >= total)) {
      total = limitMb;
      memLimit = { source: r.version, path: r.dir, limitMb };
    }
  }
  return { memTotalMb: total, memAvailableMb: Math.max(0, available), memLimit };
}
