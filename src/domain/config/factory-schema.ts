import { z } from 'zod';
import { AgentEnvConfig } from './env-names-schema.js';
import { AgentLogsConfig } from './agent-logs-schema.js';
import { AlertsConfig } from './alerts-schema.js';
import { Duration, NodeName, RoleName } from './common.js';
import { DEFAULT_PULL_TIMEOUT } from './gate-defaults.js';
import { CiServerConfig, ForgeConfig } from './forge-schema.js';
import { NodeConfig } from './node-schema.js';
import { Policy } from './policy-schema.js';
import { RoleConfig } from './roles-schema.js';
import { SupervisorConfig } from './supervisor-schema.js';
import { TrustConfig } from './trust-schema.js';

export const GateConfig = z.strictObject({
  pullTimeout: Duration.default(DEFAULT_PULL_TIMEOUT).describe("time bound on the gate's pull of the control repo"),
  maxStaleness: Duration.default('15m').describe(
    'past this age of the last good pull, heavy roles fail closed, others open',
  ),
});

export const TelemetryConfig = z.strictObject({
  heartbeat: Duration.default('5m').describe('commit a sample at least this often even when nothing changed'),
  maxBranchKiB: z
    .number()
    .int()
    .min(64)
    .default(2048)
    .describe('compact the telemetry branch when its pack passes this size'),
  keepSamples: z.number().int().min(10).default(288).describe('samples kept in the rolled-up history'),
  maxCommits: z
    .number()
    .int()
    .min(10)
    .default(400)
    .describe(
      'compact the telemetry branch when it passes this many commits (at the 5m heartbeat, 400 is about a day and a half)',
    ),
});

/** factory.yaml: the humans' global config. */
export const FactoryConfig = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1).describe("the factory's name"),
  gate: GateConfig.default({ pullTimeout: DEFAULT_PULL_TIMEOUT, maxStaleness: '15m' }),
  roles: z.record(RoleName, RoleConfig),
  nodes: z.record(NodeName, NodeConfig).describe('machines by name; "default" applies to any machine not listed'),
  policy: Policy.default(Policy.parse({})),
  telemetry: TelemetryConfig.default({ heartbeat: '5m', maxBranchKiB: 2048, keepSamples: 288, maxCommits: 400 }),
  supervisor: SupervisorConfig.default(SupervisorConfig.parse({})),
  forges: z.record(z.string(), ForgeConfig).default({}),
  ci: z.record(z.string(), CiServerConfig).default({}),
  env: AgentEnvConfig.default({ names: {} }).describe("the agents' environment, as `factoryctl env` exports it"),
  alerts: AlertsConfig.default(AlertsConfig.parse({})).describe('alert rules and where alerts go'),
  agentLogs: AgentLogsConfig.default({ maxMiB: 10, keep: 5 }).describe("rotation of the agents' run logs on each node"),
  trust: TrustConfig.default({ mode: 'off' }).describe('act only on control commits signed by allowed keys'),
});
export type FactoryConfig = z.infer<typeof FactoryConfig>;
