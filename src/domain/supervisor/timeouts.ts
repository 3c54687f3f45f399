// The supervisor's time bounds on the control remote, from config: one owner, so none stays hard-coded.
import { parseDuration } from '../duration.js';
import { GateConfig } from '../config/factory-schema.js';
import type { FactoryConfig } from '../config/factory-schema.js';

export interface SupervisorTimeouts {
  /** the pull of main at the start of a cycle (every node's telemetry in the same fetch) or an alarm poll */
  pullMs: number;
  /** the read of control/lease */
  leaseReadMs: number;
}

/**
 * From gate.pullTimeout, the agents' bound: the supervisor is not on an agent's hot path, and a
 * pull or read cut short costs it a whole cycle, so each of its reads of the control remote (main,
 * the lease, every telemetry branch) gets three pulls' time and at least 10 s, the bound the node
 * puts on its telemetry push. Before any config is known (a first pull), the schema's default.
 */
export function supervisorTimeouts(factory: Pick<FactoryConfig, 'gate'> | undefined): SupervisorTimeouts {
  const gatePullMs = parseDuration(factory?.gate.pullTimeout ?? GateConfig.parse({}).pullTimeout);
  const refsMs = Math.max(3 * gatePullMs, 10_000);
  return { pullMs: refsMs, leaseReadMs: refsMs };
}
