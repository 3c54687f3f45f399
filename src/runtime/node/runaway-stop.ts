import { parseDuration } from '../../domain/duration.js';
import { runawayStoppedEvent, type AgentRun, type RunawayStop } from '../../domain/node/runaway.js';
import { runKey } from '../../adapters/node/loop-runner.js';
import { isFactoryRun } from '../../adapters/node/slot-processes.js';
import type { ConfigHolder } from './config-holder.js';
import type { NodeLoopDeps } from './deps.js';
import type { Journal } from './journal.js';
import type { Machine } from './machine.js';

/** Finds the runs the maxRuntime rule looks at and stops the runaways it names; a stop is not awaited by the loop. */
export interface RunawayStopper {
  /** The runs now: the loop runner's own in loop mode, otherwise those the last sample found. */
  runs(): { now: AgentRun[]; stopping: ReadonlySet<string> };
  start(stops: readonly RunawayStop[]): void;
  settle(): Promise<void>;
}

export function createRunawayStopper(
  deps: NodeLoopDeps,
  config: ConfigHolder,
  machine: Machine,
  journal: Journal,
): RunawayStopper {
  const stopping = new Map<string, Promise<void>>();
  const loopMode = () => config.settings.control.includes('loop');

  // Only this control repo's runs (FACTORY_DIR in their environment): another factory's agents on the machine are not ours.
  const sampledRuns = (): AgentRun[] =>
    Object.entries(machine.agents()).flatMap(([role, agents]) =>
      agents.flatMap((a) =>
        a.startedAt === undefined || !isFactoryRun(a.pid, deps.dir)
          ? []
          : [{ role, key: `pid:${a.pid}:${a.startedAt}`, pid: a.pid, startedAt: a.startedAt }],
      ),
    );
  const loopRuns = (): AgentRun[] =>
    (machine.existingRunner()?.running() ?? []).flatMap((r) =>
      r.pid === undefined ? [] : [{ role: r.role, key: runKey(r), pid: r.pid, startedAt: r.startedAt }],
    );

  const stopOne = async (stop: RunawayStop, graceMs: number): Promise<void> => {
    let outcome: { by: 'SIGTERM' | 'SIGKILL'; pids: number[] } | undefined;
    if (stop.key.startsWith('loop:')) {
      const [ended] = await machine.runner().stopRuns([stop.key], graceMs);
      outcome = ended && { by: ended.by, pids: [] };
    } else {
      const tree = machine.agents()[stop.role]?.find((a) => a.pid === stop.pid)?.tree ?? [stop.pid];
      const target = { role: stop.role, pid: stop.pid, tree, group: true };
      const [ended] = await deps.machine.stopAgents([target], graceMs, deps.machine.selfAndAncestors());
      outcome = ended && { by: ended.by, pids: ended.pids };
    }
    // Nothing signalled: it ended (or was spared) between the sample and the stop.
    if (!outcome) return;
    const event = runawayStoppedEvent(stop, { ...outcome, graceMs }, deps.now());
    deps.log(event.reason);
    journal.add(event);
  };

  return {
    runs: () => ({ now: loopMode() ? loopRuns() : sampledRuns(), stopping: new Set(stopping.keys()) }),
    start(stops) {
      const graceMs = parseDuration(config.settings.policy.stopGrace);
      for (const stop of stops) {
        const done = stopOne(stop, graceMs)
          .catch((error: Error) => journal.report(`runaway ${stop.key}`, `runaway stop failed: ${error.message}`))
          .finally(() => stopping.delete(stop.key));
        stopping.set(stop.key, done);
      }
    },
    async settle() {
      await Promise.all(stopping.values());
    },
  };
}
