import { z } from 'zod';
import { Duration } from './common.js';
import { AlertSeverity } from './alerts-state-schema.js';
import { ReceiverConfig, RouteConfig, WatchConfig } from './receivers-schema.js';

/** What a rule watches (domain/alerts/signals.ts evaluates each); an unknown one fails validate. */
export const AlertSignal = z.enum([
  'node-suspect',
  'node-down',
  'role-halted',
  'node-level-3',
  'memory-forecast',
  'disk-forecast',
  'ci-overloaded',
  'agent-failing',
  'forge-unreachable',
  'lease-changed',
  'untrusted-head',
]);
export type AlertSignal = z.infer<typeof AlertSignal>;

/** One rule: a signal, how long it must hold, and the bounds of the signals that take one. */
export const AlertRule = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower case letters, digits and dashes')
    .optional()
    .describe('the alert name (default: the signal)'),
  signal: AlertSignal.describe('what it watches'),
  for: Duration.optional().describe(
    'fire only once the condition has held this long (role-halted 30m, ci-overloaded 30m, else 0s)',
  ),
  severity: AlertSeverity.optional().describe(
    'default: critical for node-down, node-level-3 and untrusted-head, info for lease-changed, else warning',
  ),
  horizon: Duration.optional().describe(
    'forecasts: fire when the level-1 threshold is crossed within this (default 4h)',
  ),
  lookback: Duration.optional().describe('forecasts: fit the telemetry of this long (default 6h)'),
  runs: z.number().int().min(1).optional().describe('agent-failing: this many non-zero exits in a row (default 3)'),
  labels: z.record(z.string(), z.string()).optional().describe('extra labels routes can match on'),
});
export type AlertRule = z.infer<typeof AlertRule>;

/** Every signal, with its defaults: what `alerts.rules` is when left out. */
export const DEFAULT_RULES: AlertRule[] = AlertSignal.options.map((signal) => ({ signal }));

/**
 * factory.yaml `alerts`: the rules the leader evaluates and Alertmanager's timing, with its defaults as ours.
 * receivers-schema.ts owns where alerts go.
 */
export const AlertsConfig = z.strictObject({
  rules: z.array(AlertRule).default(DEFAULT_RULES).describe('the rules evaluated each cycle (default: every signal)'),
  groupBy: z
    .array(z.string().min(1))
    .default(['alertname', 'node'])
    .describe('labels whose values make the group key (alertname is the rule name)'),
  groupWait: Duration.default('30s').describe('wait this long after a group first fires, to send its alerts together'),
  groupInterval: Duration.default('5m').describe('wait this long before sending a group again when it changed'),
  repeatInterval: Duration.default('4h').describe('send a group that still fires again after this long'),
  inhibitNodeDown: z.boolean().default(true).describe("a node that is down inhibits that node's other alerts"),
  drainTimeout: Duration.default('10s').describe(
    'after each commit the leader delivers queued notifications for at most this long; the rest wait for the next cycle',
  ),
  receivers: z.record(z.string(), ReceiverConfig).default({}).describe('receivers by name'),
  routes: z.array(RouteConfig).default([]).describe('first match wins'),
  watch: WatchConfig.default(WatchConfig.parse({})).describe('nodes watching the supervisor; the heartbeat ping'),
});
export type AlertsConfig = z.infer<typeof AlertsConfig>;
