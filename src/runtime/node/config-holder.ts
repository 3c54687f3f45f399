import { nodeSettings, type NodeSettings } from '../../domain/node/node-settings.js';
import { telemetryPushTimeoutMs } from '../../domain/node/time-limits.js';
import type { NodeConfigView } from '../../adapters/control-repo/node-config.js';
import type { TelemetryBranch } from '../../adapters/telemetry/branch.js';
import type { NodeLoopDeps } from './deps.js';
import type { Journal } from './journal.js';

/** The config in use (the last good one), the settings it gives this node, and the telemetry branch made for it. */
export interface ConfigHolder {
  readonly config: NodeConfigView;
  readonly settings: NodeSettings;
  readonly branch: TelemetryBranch;
  /** Re-reads the config when its files changed; problems when none could be read and none was known. */
  reload(first: boolean): Promise<string[] | undefined>;
}

type Loaded = { config: NodeConfigView; settings: NodeSettings; branch: TelemetryBranch };

export function createConfigHolder(deps: NodeLoopDeps, journal: Journal): ConfigHolder {
  let key = '';
  let current: Loaded | undefined;
  const loaded = () => {
    if (!current) throw new Error('node config used before it was loaded');
    return current;
  };
  return {
    get config() {
      return loaded().config;
    },
    get settings() {
      return loaded().settings;
    },
    get branch() {
      return loaded().branch;
    },
    async reload(first) {
      const next = await deps.repo.configKey();
      if (!first && next === key) return undefined;
      const read = await deps.repo.loadConfig(first ? undefined : current?.config);
      key = next;
      if (!read.ok) return read.problems;
      const { config } = read;
      const settings = nodeSettings(config.factory, {
        node: deps.node,
        controlDir: deps.dir,
        env: deps.env,
        ...(deps.intervalMs ? { intervalMs: deps.intervalMs } : {}),
      });
      const stale = read.stale ? `config invalid, keeping the last good one:\n${read.problems.join('\n')}` : undefined;
      journal.report('config', stale ?? (read.problems.length > 0 ? `config: ${read.problems.join('; ')}` : undefined));
      const t = config.factory.telemetry;
      const branch = deps.telemetry.createBranch({
        dir: deps.dir,
        node: deps.node,
        keepSamples: t.keepSamples,
        maxBranchKiB: t.maxBranchKiB,
        maxCommits: t.maxCommits,
        pushTimeoutMs: telemetryPushTimeoutMs(settings.pullTimeoutMs),
        now: deps.now,
        log: (line) => deps.log(`telemetry: ${line}`),
      });
      current = { config, settings, branch };
      return undefined;
    },
  };
}
