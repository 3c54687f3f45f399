import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A node's memory cgroup (v1) for the machines harness: the one place it touches cgroupfs, so that
 * test/support/cgroup.ts (createMemoryCgroup) can take its place. Nested under this process's own
 * memory cgroup, so whatever limit the test runner itself lives under still bounds the nodes.
 */
export interface NodeCgroup {
  /** the cgroupfs folder, e.g. /sys/fs/cgroup/memory/.../fct-abcde-a */
  dir: string;
  /** as /proc/<pid>/cgroup names it: the folder below the hierarchy's mount */
  path: string;
  /** a process that writes its own pid here joins the cgroup (its children follow) */
  procsFile: string;
  remove(): void;
}

export const MEMORY_ROOT = '/sys/fs/cgroup/memory';

/** The memory cgroup this process is in, as a cgroupfs folder; throws (loudly) without cgroup v1 memory. */
export function ownMemoryCgroupDir(memoryRoot = MEMORY_ROOT): string {
  if (!existsSync(join(memoryRoot, 'memory.limit_in_bytes')))
    throw new Error(`no cgroup v1 memory controller at ${memoryRoot}: the machines harness needs one`);
  const line = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[1]?.split(',').includes('memory'));
  return join(memoryRoot, line?.split(':')[2] ?? '/');
}

export function createNodeCgroup(name: string, limitBytes: number, parentDir = ownMemoryCgroupDir()): NodeCgroup {
  const dir = join(parentDir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
  return {
    dir,
    path: dir.slice(MEMORY_ROOT.length),
    procsFile: join(dir, 'cgroup.procs'),
    remove: () => removeCgroup(dir),
  };
}

/** SIGKILLs every process in the cgroup until none is left, then removes it; a missing one is fine. */
export function removeCgroup(dir: string, boundMs = 10_000): void {
  if (!existsSync(dir)) return;
  const deadline = Date.now() + boundMs;
  for (;;) {
    const pids = cgroupPids(dir);
    if (pids.length === 0) break;
    for (const pid of pids) killQuietly(pid);
    if (Date.now() > deadline) throw new Error(`cgroup ${dir} still holds ${pids.join(' ')} after SIGKILL`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // a short synchronous pause
  }
  for (const child of readdirSync(dir, { withFileTypes: true }))
    if (child.isDirectory()) removeCgroup(join(dir, child.name), boundMs);
  rmdirSync(dir);
}

export function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}
