import { describe, expect, it } from 'vitest';
import {
  pullTimeoutMs,
  telemetryFlushTimeoutMs,
  telemetryPushTimeoutMs,
} from '../../../src/domain/node/time-limits.js';

describe('the node daemon time limits, from gate.pullTimeout', () => {
  it.each([
    { pullTimeout: '2s', pull: 2000, push: 10_000, flush: 11_000 },
    { pullTimeout: '5s', pull: 5000, push: 15_000, flush: 20_000 },
    { pullTimeout: '20s', pull: 20_000, push: 60_000, flush: 65_000 },
  ])(
    'pullTimeout $pullTimeout: pull $pull ms, push $push ms, flush $flush ms',
    ({ pullTimeout, pull, push, flush }) => {
      expect(pullTimeoutMs({ gate: { pullTimeout, maxStaleness: '15m' } })).toBe(pull);
      expect(telemetryPushTimeoutMs(pull)).toBe(push);
      expect(telemetryFlushTimeoutMs(pull)).toBe(flush);
    },
  );
});
