import { describe, expect, it } from 'vitest';
import {
  decideLoopStep,
  initialLoopState,
  loopPolicy,
  type LoopState,
  type LoopStep,
} from '../../../src/domain/supervisor/loop-step.js';
import { SupervisorConfig } from '../../../src/domain/config/supervisor-schema.js';

const SEC = 1000;
const NOW = Date.parse('2026-03-02T08:00:00Z');
/** A loop between cycles: next full cycle in 5 minutes, nothing else scheduled. */
const between = (o: Partial<LoopState> = {}): LoopState => ({
  ...initialLoopState(NOW - 60 * SEC),
  fullAt: NOW + 300 * SEC,
  intervalMs: 300 * SEC,
  ...o,
});

describe('decideLoopStep: (loop state, now, a webhook or signal) -> cycle | lease | poll | sleep', () => {
  it.each<[string, LoopState, string | undefined, LoopStep]>([
    [
      'a fresh loop runs a full cycle at once',
      initialLoopState(NOW),
      undefined,
      { kind: 'cycle', reason: 'tuned interval of 1m' },
    ],
    [
      'the tuned interval is up',
      between({ fullAt: NOW }),
      undefined,
      { kind: 'cycle', reason: 'tuned interval of 5m' },
    ],
    [
      'a back-off retry is up: told as the tuned interval',
      between({ fullAt: NOW, failures: 2 }),
      undefined,
      { kind: 'cycle', reason: 'tuned interval of 5m' },
    ],
    ['a webhook, nothing due', between(), 'webhook: push', { kind: 'cycle', reason: 'webhook: push' }],
    [
      'SIGUSR1 while the lease and a poll are due',
      between({ leaseAt: NOW, pollAt: NOW }),
      'SIGUSR1',
      { kind: 'cycle', reason: 'SIGUSR1' },
    ],
    [
      "the loop's own wake first, a webhook coalesced into it",
      between({ wake: 'took over the lease: x' }),
      'webhook: push',
      { kind: 'cycle', reason: 'took over the lease: x' },
    ],
    ['an alarm found due', between({ wake: 'alarm a1 due' }), undefined, { kind: 'cycle', reason: 'alarm a1 due' }],
    [
      'a full cycle due beats a lease look due',
      between({ fullAt: NOW, leaseAt: NOW - SEC }),
      undefined,
      { kind: 'cycle', reason: 'tuned interval of 5m' },
    ],
    ['the lease is due', between({ leaseAt: NOW }), undefined, { kind: 'lease' }],
    ['the lease before a poll, both due', between({ leaseAt: NOW, pollAt: NOW - SEC }), undefined, { kind: 'lease' }],
    ['a poll is due', between({ pollAt: NOW }), undefined, { kind: 'poll' }],
    [
      'nothing due: sleep until the first of them',
      between({ pollAt: NOW + 30 * SEC, leaseAt: NOW + 60 * SEC }),
      undefined,
      { kind: 'sleep', until: NOW + 30 * SEC },
    ],
    [
      'a lease to renew before the next cycle',
      between({ pollAt: NOW + 120 * SEC, leaseAt: NOW + 60 * SEC }),
      undefined,
      { kind: 'sleep', until: NOW + 60 * SEC },
    ],
    [
      'no lease, no alarms: sleep until the next cycle',
      between(),
      undefined,
      { kind: 'sleep', until: NOW + 300 * SEC },
    ],
  ])('%s', (_what, state, woken, expected) => {
    expect(decideLoopStep(state, NOW, woken)).toEqual(expected);
  });
});

describe("loopPolicy: from the last good config, else the schema's defaults", () => {
  it.each<[string, SupervisorConfig | undefined, ReturnType<typeof loopPolicy>]>([
    ['no config yet', undefined, { alarmPollMs: 30 * SEC, lease: { durationMs: 120 * SEC, renewBeforeMs: 60 * SEC } }],
    [
      'a configured one',
      SupervisorConfig.parse({ alarmPoll: '10s', lease: { duration: '20s', renewBefore: '5s' } }),
      { alarmPollMs: 10 * SEC, lease: { durationMs: 20 * SEC, renewBeforeMs: 5 * SEC } },
    ],
  ])('%s', (_what, config, expected) => {
    expect(loopPolicy(config)).toEqual(expected);
  });
});
