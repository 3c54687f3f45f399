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
  agents?: Record<string, { count: number; rssMb: number }>;
  /** What the sampler failed to read, for the telemetry; the figures above are NaN or absent. */
  problems?: string[];
}

export interface DiskSample {
  mount: string;
  usedPercent: number;
  freeMb: number;
}

export function isMeasured(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
