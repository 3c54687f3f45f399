// The supervisor's time bounds on the control remote, from config: one owner, so none stays hard-coded.
import { parseDuration } from '../duration.js';
import { GateConfig } from '../config/factory-schema.js';
import type { FactoryConfig } from '../config/factory-schema.js';

export interface SupervisorTimeouts {
  /** the pull of main at the start of a cycle or an alarm poll */
  pullMs: number;
  /** the one fetch of every node's telemetry branch */
  telemetryFetchMs: number;
  /** the read of control/lease */
  leaseReadMs: number;
}

/**
 * The pull of main is bounded by gate.pullTimeout, as the gate's and the node's are; the reads of
 * other refs (the lease, every telemetry branch) by three pulls and at least 10 s, the bound the
 * node puts on its telemetry push. Before any config is known (a first pull), the schema's default.
 */
export function supervisorTimeouts(factory: Pick<FactoryConfig, 'gate'> | undefined): SupervisorTimeouts {
  const pullMs = parseDuration(factory?.gate.pullTimeout ?? GateConfig.parse({}).pullTimeout);
  const refsMs = Math.max(3 * pullMs, 10_000);
  return { pullMs, telemetryFetchMs: refsMs, leaseReadMs: refsMs };
}
