import { describe, expect, it } from 'vitest';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import { supervisorTimeouts } from '../../../src/domain/supervisor/timeouts.js';

const factory = (gate: Record<string, string> | undefined) => FactoryConfig.parse({ version: 1, name: 'unit', roles: {}, nodes: {}, ...(gate ? { gate } : {}) });

describe('supervisorTimeouts: every read of the control remote bounded by gate.pullTimeout', () => {
  it.each<[string, ReturnType<typeof factory> | undefined, number]>([
    ['before any config is known: the schema\'s default', undefined, 5_000],
    ['gate left out of factory.yaml: the default', factory(undefined), 5_000],
    ['configured', factory({ pullTimeout: '2s' }), 2_000],
  ])('%s', (_what, config, ms) => {
    expect(supervisorTimeouts(config)).toEqual({ pullMs: ms, telemetryFetchMs: ms, leaseReadMs: ms });
  });
});
