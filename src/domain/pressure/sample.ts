/**
 * One measurement of a machine. Memory in MiB (what /proc calls kB is KiB). A figure the sampler
 * could not read is NaN and a mount it could not stat is absent: the policy treats both as
 * missing, which may hold a halt but never releases one.
 */
export interface Sample {
  at: number;
  memAvailableMb: number;
  memTotalMb: number;
  swapUsedMb: number;
  disks: DiskSample[];
  load1: number;
  cores: number;
  /** Share of all cores busy since the previous sample; absent on the first one. */
  cpuBusyPercent?: number;
  /** Per role: running agent runs (process trees) and the resident memory of those trees. */
  agents?: Record<string, AgentsOfRole>;
  /**
   * What bound memTotalMb and memAvailableMb: /proc/meminfo, or the memory cgroup limit (its
   * directory and size) when the daemon runs in a container, an LXC or a slice with a lower one.
   * Absent from samplers that predate it.
   */
  memLimit?: MemLimitSource;
  /** What the sampler failed to read, for the telemetry; the figures above are NaN or absent. */
  problems?: string[];
}

export type MemLimitSource =
  | { source: 'meminfo' }
  | { source: 'cgroup-v1' | 'cgroup-v2'; /** the cgroup directory whose limit binds */ path: string; limitMb: number };

export interface DiskSample {
  mount: string;
  usedPercent: number;
  freeMb: number;
}

export function isMeasured(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A role's runs at a sample; `repos`: the same per repository, for the runs started for one (FACTORY_REPO). */
export interface AgentsOfRole {
  count: number;
  rssMb: number;
  repos?: Record<string, { count: number; rssMb: number }>;
}
