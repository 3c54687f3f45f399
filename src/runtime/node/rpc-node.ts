import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { assignmentsFor, type Assignment } from '../../domain/assignments.js';
import { nodeSettings, type NodeSettings } from '../../domain/node/node-settings.js';
import type { ResolvedRepo } from '../../domain/repos/merge.js';
import { loadNodeConfig } from '../../adapters/control-repo/node-config.js';

/** Who asks and where: the forced command's --dir and --node, this process's clock and log. */
export interface RpcContext {
  dir: string;
  node: string;
  env: NodeJS.ProcessEnv;
  now: () => number;
  log: (line: string) => void;
  /** package.json's version, bundled into the CLI. */
  version: string;
}

/** This node as its last good config describes it: its settings and its slots. */
export interface RpcNode {
  settings: NodeSettings;
  slots: Assignment[];
}

/** The last good config, as the daemon keeps it (no YAML parsed when its files did not change). */
export async function loadRpcNode(ctx: RpcContext): Promise<RpcNode> {
  const loaded = await loadNodeConfig(ctx.dir);
  if (!loaded.ok) throw new FactoryError(`no good config known:\n${loaded.problems.join('\n')}`, EXIT.CONFIG);
  const { factory, repos, schedule } = loaded.config;
  return {
    settings: nodeSettings(factory, { node: ctx.node, controlDir: ctx.dir, env: ctx.env }),
    slots: assignmentsFor(ctx.node, factory, repos as ResolvedRepo[], schedule),
  };
}
