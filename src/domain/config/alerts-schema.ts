import { z } from 'zod';
import { Duration } from './common.js';
import { ReceiverConfig, RouteConfig, WatchConfig } from './receivers-schema.js';

/**
 * factory.yaml `alerts`: the rules the leader evaluates and Alertmanager's timing, with its defaults as ours.
 * Skeleton: the alert engine's engineer owns this file (rules and their bounds); receivers-schema.ts owns
 * where alerts go.
 */
export const AlertsConfig = z.strictObject({
  groupWait: Duration.default('30s').describe('wait this long after a group first fires, to send its alerts together'),
  groupInterval: Duration.default('5m').describe('wait this long before sending a group again when it changed'),
  repeatInterval: Duration.default('4h').describe('send a group that still fires again after this long'),
  receivers: z.record(z.string(), ReceiverConfig).default({}).describe('receivers by name'),
  routes: z.array(RouteConfig).default([]).describe('first match wins'),
  watch: WatchConfig.default(WatchConfig.parse({})).describe('nodes watching the supervisor; the heartbeat ping'),
});
export type AlertsConfig = z.infer<typeof AlertsConfig>;
