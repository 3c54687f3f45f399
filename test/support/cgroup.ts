// Real memory cgroups for tests: a node in a container or a limited slice, on one box. Found from
// /proc/self/mountinfo (v1's memory hierarchy or a v2 one with the memory controller), never
// assumed at /sys/fs/cgroup. Not writable is an error that fails the test, never a skip.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCgroupMounts } from '../../src/adapters/node/cgroup-parse.js';

export interface TestMemoryCgroup {
  /** The cgroup's directory. */
  path: string;
  version: 'cgroup-v1' | 'cgroup-v2';
  /** Moves a running process in. A sampler it already made keeps the cgroup it found at its start: prefer spawn. */
  addPid(pid: number): void;
  /** Pids in the cgroup now. */
  pids(): number[];
  /** Starts `command` already inside the cgroup: a shell moves itself in, then execs it (its pid is the command's). */
  spawn(command: string, args?: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Moves what still runs in it back to the hierarchy's root, then removes it; waits until it is gone. */
  remove(): Promise<void>;
}

let created = 0;

/** The memory hierarchy's root directory and version; throws, saying why, when there is none. */
function memoryHierarchy(): { root: string; version: 'cgroup-v1' | 'cgroup-v2' } {
  const mounts = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
  const v2 = mounts.find(
    (m) =>
      m.version === 'cgroup-v2' &&
      existsSync(join(m.mountPoint, 'cgroup.subtree_control')) &&
      readFileSync(join(m.mountPoint, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory'),
  );
  if (v2) return { root: v2.mountPoint, version: 'cgroup-v2' };
  const v1 = mounts.find((m) => m.version === 'cgroup-v1');
  if (v1) return { root: v1.mountPoint, version: 'cgroup-v1' };
  throw new Error('no memory cgroup hierarchy is mounted (/proc/self/mountinfo): these tests need one, writable');
}

/** A fresh memory cgroup with a hard limit of `limitBytes`, directly under the hierarchy's root. */
export function createMemoryCgroup(limitBytes: number): TestMemoryCgroup {
  const { root, version } = memoryHierarchy();
  const path = join(root, `factoryctl-test-${process.pid}-${Date.now()}-${(created += 1)}`);
  try {
    if (version === 'cgroup-v2' && !readFileSync(join(root, 'cgroup.subtree_control'), 'utf8').includes('memory'))
      writeFileSync(join(root, 'cgroup.subtree_control'), '+memory');
    mkdirSync(path);
    writeFileSync(join(path, version === 'cgroup-v2' ? 'memory.max' : 'memory.limit_in_bytes'), String(limitBytes));
  } catch (error) {
    throw new Error(
      `cannot create a memory cgroup at ${path} (${(error as Error).message}): these tests need writable cgroups (run as root, cgroupfs mounted rw)`,
    );
  }
  const pids = () =>
    readFileSync(join(path, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  return {
    path,
    version,
    addPid: (pid) => writeFileSync(join(path, 'cgroup.procs'), String(pid)),
    pids,
    spawn: (command, args = [], options = {}) =>
      spawn('/bin/sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', path, command, ...args], options),
    async remove() {
      if (!existsSync(path)) return;
      const deadline = Date.now() + 60_000;
      for (;;) {
        for (const pid of pids())
          try {
            writeFileSync(join(root, 'cgroup.procs'), String(pid));
          } catch {
            // exited meanwhile
          }
        try {
          rmdirSync(path);
          return;
        } catch (error) {
          // EBUSY while a task is still on its way out
          if (Date.now() > deadline) throw new Error(`cannot remove cgroup ${path}: ${(error as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
