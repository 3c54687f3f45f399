import type { FactoryConfig } from '../config/factory-schema.js';
import { parseDuration } from '../duration.js';

/** The node's pulls are bounded like the gate's: gate.pullTimeout. */
export const pullTimeoutMs = (config: Pick<FactoryConfig, 'gate'>) => parseDuration(config.gate.pullTimeout);

/** A telemetry push carries every commit queued through an outage: three pulls' time, never under 10 s. */
export const telemetryPushTimeoutMs = (pullMs: number) => Math.max(3 * pullMs, 10_000);

/** How long a stopping (or `--once`) daemon waits for queued telemetry to land before it exits. */
export const telemetryFlushTimeoutMs = (pullMs: number) => pullMs * 3 + 5_000;
