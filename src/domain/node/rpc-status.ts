import type { NodeDecision } from '../config/state-schema.js';
import type { Sample } from '../pressure/index.js';
import type { Lease } from '../supervisor/lease.js';

export interface RpcStatusInput {
  node: string;
  version: string;
  build: string | undefined;
  decision: NodeDecision | undefined;
  /** The last sample committed to the node's telemetry branch. */
  sample: Sample | undefined;
  lease: Lease | undefined;
  daemon: { pid: number; takesKicks: boolean } | undefined;
  lastPullAt: number | undefined;
  slots: string[];
}

const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** `status` over SSH: what the supervisor asks a silent node before calling it down. Times are this node's clock. */
export function rpcStatus(i: RpcStatusInput): Record<string, unknown> {
  const s = i.sample;
  return {
    node: i.node,
    version: i.version,
    build: i.build ?? null,
    level: i.decision?.level ?? null,
    halted: i.decision?.halted ?? [],
    reason: i.decision?.reason ?? 'no decision yet',
    decidedAt: i.decision?.updatedAt ?? null,
    sample: s
      ? {
          at: iso(s.at),
          memAvailableMb: s.memAvailableMb,
          memTotalMb: s.memTotalMb,
          swapUsedMb: s.swapUsedMb,
          load1: s.load1,
          cores: s.cores,
          disks: s.disks.map((d) => ({ mount: d.mount, usedPercent: d.usedPercent, freeMb: d.freeMb })),
        }
      : null,
    lease: i.lease ? { holder: i.lease.holder, epoch: i.lease.epoch, expiresAt: iso(i.lease.expiresAt) } : null,
    daemon: i.daemon ?? null,
    lastPullAt: iso(i.lastPullAt),
    slots: i.slots,
  };
}
