import { describe, expect, it } from 'vitest';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import { supervisorTimeouts } from '../../../src/domain/supervisor/timeouts.js';

const factory = (gate: Record<string, string> | undefined) =>
  FactoryConfig.parse({ version: 1, name: 'unit', roles: {}, nodes: {}, ...(gate ? { gate } : {}) });

describe('supervisorTimeouts: the pull bounded by gate.pullTimeout, the lease and telemetry reads by three pulls, at least 10 s', () => {
  it.each<[string, ReturnType<typeof factory> | undefined, number, number]>([
    ["before any config is known: the schema's default", undefined, 5_000, 15_000],
    ['gate left out of factory.yaml: the default', factory(undefined), 5_000, 15_000],
    ['a short pull bound: the reads keep 10 s', factory({ pullTimeout: '2s' }), 2_000, 10_000],
    ['a slow forge', factory({ pullTimeout: '20s' }), 20_000, 60_000],
  ])('%s', (_what, config, pullMs, refsMs) => {
    expect(supervisorTimeouts(config)).toEqual({ pullMs, telemetryFetchMs: refsMs, leaseReadMs: refsMs });
  });
});
