import { gatedCommand } from '../../domain/cron-line.js';
import { logFile } from '../../domain/local-plan.js';
import type { AgentProcess } from '../../domain/node/agent-stop.js';
import type { SamplerSpec } from '../../domain/node/node-settings.js';
import type { Sample } from '../../domain/pressure/index.js';
import type { LoopRunner } from '../../adapters/node/loop-runner.js';
import { repoEnvVars } from '../../adapters/node/repo-env.js';
import type { Sampler } from '../../adapters/node/sampler.js';
import type { ConfigHolder } from './config-holder.js';
import type { NodeLoopDeps } from './deps.js';

/** The sampler (kept while what it measures is unchanged: it holds the last CPU reading) and the loop runner (made on first use). */
export interface Machine {
  sample(spec: SamplerSpec): Promise<Sample>;
  /** Per role, the agents the last sample found. */
  agents(): Record<string, AgentProcess[]>;
  runner(): LoopRunner;
  /** The loop runner, if the loop mechanism was ever used. */
  existingRunner(): LoopRunner | undefined;
}

export function createMachine(deps: NodeLoopDeps, config: ConfigHolder): Machine {
  let sampler: { key: string; sampler: Sampler } | undefined;
  let runner: LoopRunner | undefined;
  const { dir, node, env } = deps;
  return {
    sample(spec) {
      if (sampler?.key !== spec.key) sampler = { key: spec.key, sampler: deps.machine.createSampler(spec) };
      return sampler.sampler.sample();
    },
    agents: () => sampler?.sampler.agentProcesses?.() ?? {},
    runner() {
      const paths = config.settings.paths;
      runner ??= deps.machine.createLoopRunner({
        now: deps.now,
        cwd: dir,
        baseEnv: {
          ...env,
          FACTORY_DIR: dir,
          FACTORY_NODE: node,
          FACTORY_RUN_DIR: paths.runDir,
          FACTORY_STATE_DIR: paths.stateDir,
        },
        envFor: (a) => {
          const repo = config.config.repos.find((r) => r.slug === a.repo);
          return repo ? repoEnvVars(repo, env) : {};
        },
        logFile: (a) => logFile(paths, a.id),
        // Through the gate, as a crontab line: the same answer, and a slot of the role's caps while it runs.
        commandFor: (a) => gatedCommand(a, deps.cron, a.command),
        firstRunSpreadMs: 60_000,
        log: (e) =>
          deps.log(
            `loop: ${e.type} ${e.id}${'reason' in e ? `: ${e.reason}` : ''}${'message' in e ? `: ${e.message}` : ''}`,
          ),
      });
      return runner;
    },
    existingRunner: () => runner,
  };
}
