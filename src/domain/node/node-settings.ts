import type { FactoryConfig } from '../config/factory-schema.js';
import type { NodeConfig } from '../config/node-schema.js';
import type { Policy } from '../config/policy-schema.js';
import { nodeEntry } from '../control-view.js';
import { parseDuration } from '../duration.js';
import { nodePaths, type NodePaths } from '../node-paths.js';
import { logBounds, type LogBounds } from './log-rotation.js';
import { effectivePolicy } from '../pressure/index.js';
import { pullTimeoutMs } from './time-limits.js';

/** What the machine sampler measures; a new sampler is made only when the key changes (it keeps the last CPU reading). */
export interface SamplerSpec {
  key: string;
  mounts: readonly string[];
  roleCommands: Record<string, string | undefined>;
}

/** The node's settings, as its current config gives them. */
export interface NodeSettings {
  entry: NodeConfig | undefined;
  policy: Policy;
  paths: NodePaths;
  intervalMs: number;
  pullTimeoutMs: number;
  heartbeatMs: number;
  control: NodeConfig['control'];
  nodeRoles: string[];
  sampler: SamplerSpec;
  /** Rotation of the agents' run logs (factory.yaml agentLogs). */
  logs: LogBounds;
}

export interface NodeSettingsInput {
  node: string;
  controlDir: string;
  env: NodeJS.ProcessEnv;
  /** --interval: replaces policy.sampleInterval. */
  intervalMs?: number;
}

export function nodeSettings(
  factory: Pick<FactoryConfig, 'nodes' | 'policy' | 'roles' | 'gate' | 'telemetry' | 'agentLogs'>,
  input: NodeSettingsInput,
): NodeSettings {
  const entry = nodeEntry(factory.nodes, input.node);
  const base = effectivePolicy(factory.policy, entry?.policy);
  const policy = input.intervalMs ? { ...base, sampleInterval: `${input.intervalMs}ms` } : base;
  const roleCommands = Object.fromEntries(Object.entries(factory.roles).map(([role, c]) => [role, c.command]));
  return {
    entry,
    policy,
    paths: nodePaths(input.controlDir, entry, input.env),
    intervalMs: parseDuration(policy.sampleInterval),
    pullTimeoutMs: pullTimeoutMs(factory),
    heartbeatMs: parseDuration(factory.telemetry.heartbeat),
    control: entry?.control ?? ['halt-files'],
    nodeRoles: entry?.roles ?? [],
    sampler: { key: JSON.stringify([policy.mounts, roleCommands]), mounts: policy.mounts, roleCommands },
    logs: logBounds(factory.agentLogs),
  };
}
