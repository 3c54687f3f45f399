import { agentsToStop, agentStoppedEvent, type AgentStop } from '../../domain/node/agent-stop.js';
import type { NodeCycle } from '../../domain/node-cycle.js';
import type { ConfigHolder } from './config-holder.js';
import type { NodeLoopDeps } from './deps.js';
import type { Journal } from './journal.js';
import type { Machine } from './machine.js';

/** Stops running agents at level 3, one stop at a time; not awaited by the sampling loop. */
export interface AgentStopper {
  readonly stopping: boolean;
  start(stop: AgentStop, stateOf: NodeCycle['stateOf']): void;
  /** Waits for the stop in progress (`--once` must not exit halfway through a grace). */
  settle(): Promise<void>;
}

export function createAgentStopper(
  deps: NodeLoopDeps,
  config: ConfigHolder,
  machine: Machine,
  journal: Journal,
): AgentStopper {
  let stopping: Promise<unknown> | undefined;

  /** SIGTERM, then SIGKILL after the grace, to the running agents of this node's halted roles; journaled. */
  const stopSampled = async (graceMs: number, stateOf: NodeCycle['stateOf']): Promise<void> => {
    const { targets, spared } = agentsToStop({
      found: machine.agents(),
      roles: config.config.factory.roles,
      nodeRoles: config.settings.nodeRoles,
      stateOf,
      self: deps.machine.selfAndAncestors(),
    });
    if (targets.length === 0) return;
    for (const stopped of await deps.machine.stopAgents(targets, graceMs, spared)) {
      const event = agentStoppedEvent(stopped, graceMs, deps.now());
      deps.log(event.reason);
      journal.add(event);
    }
  };

  return {
    get stopping() {
      return stopping !== undefined;
    },
    start(stop, stateOf) {
      const run =
        stop.by === 'loop-runner' ? machine.runner().stopHalted(stop.graceMs) : stopSampled(stop.graceMs, stateOf);
      stopping = run.finally(() => (stopping = undefined));
    },
    async settle() {
      await stopping;
    },
  };
}
