import { describe, expect, it } from 'vitest';
import {
  cgroupChain,
  effectiveMemory,
  memoryStatField,
  parseCgroupMounts,
  parseLimitBytes,
  parseSelfCgroup,
  parseUsageBytes,
  workingSetBytes,
  type CgroupReading,
} from '../../../src/adapters/node/cgroup-parse.js';

const MIB = 1024 * 1024;

// Recorded on this kind of machine: a hybrid layout, memory on v1, an empty unified hierarchy.
const HYBRID_SELF = `9:name=systemd:/
8:pids:/
4:memory:/process_api/7ff8f80f5f96b63c944c62e3d695cc64
3:cpuset:/
0::/
`;
const HYBRID_MOUNTINFO = `22 27 0:21 / /proc rw,relatime - proc proc rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
// A unified (v2) host as systemd sets it up, the daemon in a user slice's service.
const V2_SELF = '0::/system.slice/factoryctl-node.service\n';
const V2_MOUNTINFO =
  '35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n';
// Docker on v1 without a cgroup namespace: the mount's root is the container's own cgroup.
const DOCKER_V1_MOUNTINFO =
  '712 705 0:32 /docker/4f1c /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:16 - cgroup cgroup rw,memory\n';

const V1_STAT = `cache 12877824
rss 6864896
inactive_file 368640
hierarchical_memory_limit 209715200
total_cache 422633472
total_rss 15015936
total_inactive_file 194203648
total_active_file 2772992
`;
const V2_STAT = `anon 52428800
file 104857600
active_file 20971520
inactive_file 83886080
`;

describe('/proc/self/cgroup', () => {
  it('finds the v1 memory line and the v2 line on a hybrid machine', () => {
    expect(parseSelfCgroup(HYBRID_SELF)).toEqual({ v1: '/process_api/7ff8f80f5f96b63c944c62e3d695cc64', v2: '/' });
  });
  it('a unified machine has only the v2 line; a co-mounted v1 controller list still counts', () => {
    expect(parseSelfCgroup(V2_SELF)).toEqual({ v2: '/system.slice/factoryctl-node.service' });
    expect(parseSelfCgroup('5:cpu,memory:/lxc/web\n')).toEqual({ v1: '/lxc/web' });
    expect(parseSelfCgroup('')).toEqual({});
  });
});

describe('/proc/self/mountinfo', () => {
  it('keeps cgroup2 mounts and v1 mounts with the memory controller, nothing else', () => {
    expect(parseCgroupMounts(HYBRID_MOUNTINFO)).toEqual([
      { version: 'cgroup-v1', root: '/', mountPoint: '/sys/fs/cgroup/memory' },
      { version: 'cgroup-v2', root: '/', mountPoint: '/sys/fs/cgroup/unified' },
    ]);
  });
  it('reads optional fields, a namespaced root and octal escapes', () => {
    expect(parseCgroupMounts(V2_MOUNTINFO)).toEqual([
      { version: 'cgroup-v2', root: '/', mountPoint: '/sys/fs/cgroup' },
    ]);
    expect(parseCgroupMounts(DOCKER_V1_MOUNTINFO)).toEqual([
      { version: 'cgroup-v1', root: '/docker/4f1c', mountPoint: '/sys/fs/cgroup/memory' },
    ]);
    expect(parseCgroupMounts('50 1 0:40 / /mnt/my\\040cg rw - cgroup2 none rw\n')[0]!.mountPoint).toBe('/mnt/my cg');
  });
});

describe('cgroupChain: the own directory, then every ancestor to the mount point', () => {
  it('under a mount of the whole hierarchy', () => {
    const mount = { version: 'cgroup-v1', root: '/', mountPoint: '/sys/fs/cgroup/memory' } as const;
    expect(cgroupChain(mount, '/process_api/7ff8')).toEqual([
      '/sys/fs/cgroup/memory/process_api/7ff8',
      '/sys/fs/cgroup/memory/process_api',
      '/sys/fs/cgroup/memory',
    ]);
    expect(cgroupChain(mount, '/')).toEqual(['/sys/fs/cgroup/memory']);
  });
  it('under a namespaced mount: the path relative to its root, or the mount point when outside it', () => {
    const mount = { version: 'cgroup-v1', root: '/docker/4f1c', mountPoint: '/sys/fs/cgroup/memory' } as const;
    expect(cgroupChain(mount, '/docker/4f1c')).toEqual(['/sys/fs/cgroup/memory']);
    expect(cgroupChain(mount, '/docker/4f1c/app')).toEqual(['/sys/fs/cgroup/memory/app', '/sys/fs/cgroup/memory']);
    expect(cgroupChain(mount, '/docker/4f1cX')).toEqual(['/sys/fs/cgroup/memory']);
    expect(cgroupChain(mount, '/elsewhere/x')).toEqual(['/sys/fs/cgroup/memory']);
  });
});

describe('limit, usage and memory.stat files', () => {
  it.each([
    ['max\n', Infinity],
    ['9223372036854771712\n', Infinity], // v1's "no limit"
    [`${2 ** 62}\n`, Infinity],
    ['209715200\n', 209715200],
    ['', NaN],
    ['garbage', NaN],
  ])('limit %j -> %s', (text, bytes) => expect(parseLimitBytes(text)).toBe(bytes));

  it('usage in bytes; memory.stat keys by exact name', () => {
    expect(parseUsageBytes('437510144\n')).toBe(437510144);
    expect(parseUsageBytes('')).toBeNaN();
    expect(memoryStatField(V1_STAT, 'total_inactive_file')).toBe(194203648);
    expect(memoryStatField(V1_STAT, 'inactive_file')).toBe(368640);
    expect(memoryStatField(V2_STAT, 'inactive_file')).toBe(83886080);
    expect(memoryStatField(V2_STAT, 'total_inactive_file')).toBeUndefined();
  });

  it('working set = usage - inactive file cache, never below 0', () => {
    expect(workingSetBytes(300, 100)).toBe(200);
    expect(workingSetBytes(100, 300)).toBe(0);
  });
});

describe('effectiveMemory: the lower of /proc/meminfo and the cgroup', () => {
  const host = { memTotalMb: 24105, memAvailableMb: 23500 };
  const level = (dir: string, limitMb: number, usageMb = NaN, inactiveMb = 0): CgroupReading => ({
    version: 'cgroup-v1',
    dir,
    limitBytes: limitMb * MIB,
    usageBytes: usageMb * MIB,
    inactiveFileBytes: inactiveMb * MIB,
  });

  it('no cgroup, or no limit on it: meminfo, as before', () => {
    expect(effectiveMemory(host, [])).toEqual({ ...host, memLimit: { source: 'meminfo' } });
    expect(effectiveMemory(host, [level('/cg', Infinity)])).toEqual({ ...host, memLimit: { source: 'meminfo' } });
  });

  it('a limit at or above the machine binds nothing', () => {
    expect(effectiveMemory(host, [level('/cg', 32768, 1000)]).memLimit).toEqual({ source: 'meminfo' });
  });

  it('a 200 MiB limit: total is the limit, available is limit - (usage - inactive_file)', () => {
    expect(effectiveMemory(host, [level('/cg', 200, 80, 30)])).toEqual({
      memTotalMb: 200,
      memAvailableMb: 150,
      memLimit: { source: 'cgroup-v1', path: '/cg', limitMb: 200 },
    });
  });

  it('nested limits: the smallest is the total, the tightest headroom of any level is available', () => {
    // The parent's 1000 MiB is shared with siblings that use 900 of it: 100 left, though the own 500 has 450.
    const r = effectiveMemory(host, [level('/p/me', 500, 50), level('/p', 1000, 900), level('/', Infinity)]);
    expect(r).toEqual({
      memTotalMb: 500,
      memAvailableMb: 100,
      memLimit: { source: 'cgroup-v1', path: '/p/me', limitMb: 500 },
    });
    const parentSmaller = effectiveMemory(host, [level('/p/me', 800, 50), level('/p', 300, 100)]);
    expect(parentSmaller.memLimit).toEqual({ source: 'cgroup-v1', path: '/p', limitMb: 300 });
    expect(parentSmaller.memAvailableMb).toBe(200);
  });

  it('the host short of memory binds even inside a roomy cgroup', () => {
    expect(effectiveMemory({ memTotalMb: 24105, memAvailableMb: 120 }, [level('/cg', 2000, 100)]).memAvailableMb).toBe(
      120,
    );
  });

  it('usage unreadable under a limit: available unknown (NaN), never the host figure', () => {
    const r = effectiveMemory(host, [level('/cg', 200)]);
    expect(r.memTotalMb).toBe(200);
    expect(r.memAvailableMb).toBeNaN();
  });

  it('usage over the limit (charged but not yet reclaimed) reads as 0 available, not negative', () => {
    expect(effectiveMemory(host, [level('/cg', 200, 260)]).memAvailableMb).toBe(0);
  });

  it('meminfo unreadable: the cgroup alone', () => {
    expect(effectiveMemory({ memTotalMb: NaN, memAvailableMb: NaN }, [level('/cg', 200, 50)]).memTotalMb).toBe(200);
  });
});
