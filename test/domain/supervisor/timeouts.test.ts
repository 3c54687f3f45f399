import { describe, expect, it } from 'vitest';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import { supervisorTimeouts } from '../../../src/domain/supervisor/timeouts.js';

const factory = (gate: Record<string, string> | undefined) =>
  FactoryConfig.parse({ version: 1, name: 'unit', roles: {}, nodes: {}, ...(gate ? { gate } : {}) });

describe('supervisorTimeouts: every read of the control remote bounded by three of gate.pullTimeout, at least 10 s', () => {
  it.each<[string, ReturnType<typeof factory> | undefined, number, number]>([
    ["before any config is known: the schema's default", undefined, 15_000, 15_000],
    ['gate left out of factory.yaml: the default', factory(undefined), 15_000, 15_000],
    ['a short pull bound: every read keeps 10 s', factory({ pullTimeout: '2s' }), 10_000, 10_000],
    ['a slow forge', factory({ pullTimeout: '20s' }), 60_000, 60_000],
  ])('%s', (_what, config, pullMs, refsMs) => {
    expect(supervisorTimeouts(config)).toEqual({ pullMs, leaseReadMs: refsMs });
  });
});
