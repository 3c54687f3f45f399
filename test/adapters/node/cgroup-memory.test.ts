// The sampler on recorded /proc and cgroup trees: which cgroup files it finds and what it makes of them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findMemoryCgroup } from '../../../src/adapters/node/cgroup-memory.js';
import { createProcSampler } from '../../../src/adapters/node/sampler.js';

const MIB = 1024 * 1024;
const MEMINFO = 'MemTotal:       24683568 kB\nMemAvailable:   24297056 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n';
const HOST = {
  'proc/meminfo': MEMINFO,
  'proc/loadavg': '0.52 0.58 0.59 1/467 12345\n',
  'proc/stat': 'cpu  1 0 1 10 0 0 0 0 0 0\ncpu0 1 0 1 10 0 0 0 0 0 0\n',
};
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A recorded tree: `proc/...` and `fs/...` files, mount points of mountinfo under fs/. */
function tree(files: Record<string, string>): { proc: string; fs: string } {
  const root = mkdtempSync(join(tmpdir(), 'cgroup-tree-'));
  dirs.push(root);
  for (const [path, text] of Object.entries({ ...HOST, ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { proc: join(root, 'proc'), fs: join(root, 'fs') };
}

const sampleOf = (t: { proc: string; fs: string }) =>
  createProcSampler({ mounts: [], procRoot: t.proc, cgroupFsRoot: t.fs }).sample();

const V2_MOUNT = '35 24 0:30 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n';
const v2Level = (dir: string, max: string, currentMb?: number, inactiveMb = 0) => ({
  [`fs/sys/fs/cgroup${dir}/memory.max`]: max,
  ...(currentMb === undefined ? {} : { [`fs/sys/fs/cgroup${dir}/memory.current`]: `${currentMb * MIB}\n` }),
  [`fs/sys/fs/cgroup${dir}/memory.stat`]: `anon 1\ninactive_file ${inactiveMb * MIB}\n`,
});

describe('the sampler inside a memory cgroup (recorded trees)', () => {
  it('v2, nested: a 2 GiB service in a 1 GiB slice is a 1 GiB machine, the slice shared with siblings', async () => {
    const t = tree({
      'proc/self/cgroup': '0::/factory.slice/node.service\n',
      'proc/self/mountinfo': V2_MOUNT,
      ...v2Level('/factory.slice/node.service', '2147483648\n', 300, 100),
      ...v2Level('/factory.slice', '1073741824\n', 700, 100),
      'fs/sys/fs/cgroup/cgroup.controllers': 'memory\n', // the root: no memory.max
    });
    expect(findMemoryCgroup(t.proc, t.fs)?.dirs).toEqual([
      `${t.fs}/sys/fs/cgroup/factory.slice/node.service`,
      `${t.fs}/sys/fs/cgroup/factory.slice`,
    ]);
    const s = await sampleOf(t);
    expect(s).toMatchObject({
      memTotalMb: 1024,
      memAvailableMb: 424, // 1024 - (700 - 100)
      memLimit: { source: 'cgroup-v2', path: `${t.fs}/sys/fs/cgroup/factory.slice`, limitMb: 1024 },
    });
    expect(s.problems).toBeUndefined();
  });

  it('v2 "max" all the way up: the host figures, meminfo the source', async () => {
    const t = tree({
      'proc/self/cgroup': '0::/user.slice\n',
      'proc/self/mountinfo': V2_MOUNT,
      ...v2Level('/user.slice', 'max\n', 300),
    });
    expect(await sampleOf(t)).toMatchObject({ memTotalMb: 24105, memLimit: { source: 'meminfo' } });
  });

  it('hybrid, v1 namespaced: the own path missing under the mount, the mount point is the container', async () => {
    const t = tree({
      'proc/self/cgroup': '4:memory:/docker/4f1c/gone\n0::/\n',
      'proc/self/mountinfo':
        '35 31 0:32 /docker/4f1c /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n' +
        '41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n',
      'fs/sys/fs/cgroup/unified/cgroup.controllers': 'hugetlb\n',
      'fs/sys/fs/cgroup/memory/memory.limit_in_bytes': `${512 * MIB}\n`,
      'fs/sys/fs/cgroup/memory/memory.usage_in_bytes': `${200 * MIB}\n`,
      'fs/sys/fs/cgroup/memory/memory.stat': `inactive_file 1\ntotal_inactive_file ${50 * MIB}\nhierarchical_memory_limit ${512 * MIB}\n`,
    });
    expect(await sampleOf(t)).toMatchObject({
      memTotalMb: 512,
      memAvailableMb: 362,
      memLimit: { source: 'cgroup-v1', path: `${t.fs}/sys/fs/cgroup/memory`, limitMb: 512 },
    });
  });

  it('v1: an ancestor the mount hides still binds, through hierarchical_memory_limit', async () => {
    const t = tree({
      'proc/self/cgroup': '4:memory:/\n',
      'proc/self/mountinfo': '35 31 0:32 / /cg/memory rw - cgroup cgroup rw,memory\n',
      'fs/cg/memory/memory.limit_in_bytes': '9223372036854771712\n',
      'fs/cg/memory/memory.usage_in_bytes': `${100 * MIB}\n`,
      'fs/cg/memory/memory.stat': `total_inactive_file 0\nhierarchical_memory_limit ${300 * MIB}\n`,
    });
    expect(await sampleOf(t)).toMatchObject({
      memTotalMb: 300,
      memAvailableMb: 200,
      memLimit: { source: 'cgroup-v1' },
    });
  });

  it('a usage file missing under a limit: available unknown and the problem stated, total still the limit', async () => {
    const t = tree({
      'proc/self/cgroup': '0::/c\n',
      'proc/self/mountinfo': V2_MOUNT,
      ...v2Level('/c', `${256 * MIB}\n`),
    });
    const s = await sampleOf(t);
    expect(s.memTotalMb).toBe(256);
    expect(s.memAvailableMb).toBeNaN();
    expect(s.problems).toEqual([expect.stringContaining('/c/memory.current')]);
  });

  it('no /proc/self/cgroup (or no memory controller mounted): meminfo alone, no problem', async () => {
    expect(findMemoryCgroup(tree({}).proc)).toBeUndefined();
    const noMemory = tree({
      'proc/self/cgroup': '1:cpu:/x\n0::/\n',
      'proc/self/mountinfo': '32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n',
    });
    const s = await sampleOf(noMemory);
    expect(s).toMatchObject({ memTotalMb: 24105, memLimit: { source: 'meminfo' } });
    expect(s.problems).toBeUndefined();
  });
});
