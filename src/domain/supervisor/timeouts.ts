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
 * Every read of the control remote is bounded by gate.pullTimeout, as the gate's and the node's
 * pulls are; before any config is known (a first pull), by the schema's default.
 */
export function supervisorTimeouts(factory: Pick<FactoryConfig, 'gate'> | undefined): SupervisorTimeouts {
  const ms = parseDuration(factory?.gate.pullTimeout ?? GateConfig.parse({}).pullTimeout);
  return { pullMs: ms, telemetryFetchMs: ms, leaseReadMs: ms };
}
