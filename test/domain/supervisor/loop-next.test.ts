import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../src/domain/config/alarm-schema.js';
import type { LeaseRole } from '../../../src/domain/supervisor/lease-term.js';
import { ALERT_WAKE_REASON } from '../../../src/domain/supervisor/cycle-alerts.js';
import {
  ALERT_WAKE_FLOOR_MS,
  nextLoopState,
  POLL_WAKE_REASON,
  WATCH_WAKE_REASON,
  type LoopNext,
  type StepOutcome,
} from '../../../src/domain/supervisor/loop-next.js';
import {
  decideLoopStep,
  heedsWakes,
  initialLoopState,
  type LoopState,
} from '../../../src/domain/supervisor/loop-step.js';

const SEC = 1000;
const MIN = 60 * SEC;
const T = Date.parse('2026-03-02T08:00:00Z');
const POLICY = { alarmPollMs: 30 * SEC, lease: { durationMs: 120 * SEC, renewBeforeMs: 60 * SEC } };
const SOLO: LeaseRole = { kind: 'solo' };
const leader = (acquired = false): LeaseRole => ({
  kind: 'leader',
  lease: { holder: 'me', epoch: 2, expiresAt: T + 120 * SEC },
  acquired,
  note: 'leader (epoch 2)',
});
const leaderFrom = (now: number, acquired = false): LeaseRole => ({
  kind: 'leader',
  lease: { holder: 'me', epoch: 8, expiresAt: now + 120 * SEC },
  acquired,
  note: 'epoch 8',
});
const STANDBY: LeaseRole = {
  kind: 'standby',
  holder: 'vps-b',
  epoch: 7,
  expiresAt: T + 90 * SEC,
  note: 'vps-b leads (epoch 7)',
};
const LEADER = { kind: 'leader' as const, lease: { holder: 'me', epoch: 2, expiresAt: T }, acquired: false, note: '' };
const LAPSED: LeaseRole = {
  kind: 'standby',
  holder: 'me',
  epoch: 2,
  expiresAt: T + SEC,
  lapsedAt: T + SEC,
  note: 'lease lapsed at 2026-03-02T08:00:01.000Z: not renewed within its term, deciding nothing',
};
const pipelineAlarm = (id: string): Alarm => ({
  id,
  kind: 'pipeline',
  number: 9,
  createdBy: 'me',
  createdAt: '2026-03-02T07:00:00Z',
});
const timeAlarm = (id: string, at: number): Alarm => ({
  id,
  kind: 'time',
  at: new Date(at).toISOString(),
  createdBy: 'me',
  createdAt: '2026-03-02T07:00:00Z',
});
/** A step that started at T and took two seconds. */
const took = (o: Record<string, unknown>) => ({ startedAt: T, endedAt: T + 2 * SEC, ...o }) as StepOutcome;
const ok = (intervalMs: number, role: LeaseRole = SOLO, alarms: Alarm[] = []) =>
  took({ kind: 'cycle', ok: true, intervalMs, alarms, role });
const failed = (failure: 'transient' | 'terminal' = 'transient') => took({ kind: 'cycle', ok: false, failure });
const start: LoopState = { ...initialLoopState(T), wake: 'SIGUSR1' };
const after = (s: Partial<LoopState>): LoopState => ({ ...start, ...s });
const END = T + 2 * SEC;

describe('nextLoopState: (loop state, what the step found) -> next state, log lines, wake to record', () => {
  it.each<[string, LoopState, StepOutcome, Partial<LoopState>, string[], LoopNext['record']]>([
    [
      'a good cycle, solo, no alarms: next cycle after the interval; new alarms looked for every 4 polls',
      start,
      ok(5 * MIN),
      {
        failures: 0,
        intervalMs: 5 * MIN,
        fullAt: END + 5 * MIN,
        pollAt: END + 2 * MIN,
        leaseAt: Infinity,
        wake: undefined,
      },
      [],
      { at: END + 2 * MIN, reason: POLL_WAKE_REASON },
    ],
    [
      'a good cycle with a short interval: the full cycle is the next wake',
      start,
      ok(MIN),
      { fullAt: END + MIN, pollAt: END + MIN },
      [],
      { at: END + MIN, reason: 'tuned interval of 1m' },
    ],
    [
      'a good cycle after failures resets the count',
      after({ failures: 3 }),
      ok(MIN),
      { failures: 0 },
      [],
      { at: END + MIN, reason: 'tuned interval of 1m' },
    ],
    [
      'a pipeline alarm pending: polled every alarmPoll, and said once',
      start,
      ok(5 * MIN, SOLO, [pipelineAlarm('p1')]),
      { pollAt: END + 30 * SEC, watching: 'p1' },
      ['watching 1 alarm: p1'],
      { at: END + 30 * SEC, reason: POLL_WAKE_REASON },
    ],
    [
      'the same alarm again: nothing new to say',
      after({ watching: 'p1' }),
      ok(5 * MIN, SOLO, [pipelineAlarm('p1')]),
      { watching: 'p1' },
      [],
      { at: END + 30 * SEC, reason: POLL_WAKE_REASON },
    ],
    [
      'the last alarm gone',
      after({ watching: 'p1' }),
      ok(5 * MIN),
      { watching: '' },
      ['no alarms pending'],
      { at: END + 2 * MIN, reason: POLL_WAKE_REASON },
    ],
    [
      'a time alarm sooner than any poll',
      start,
      ok(5 * MIN, SOLO, [timeAlarm('t1', END + 10 * SEC)]),
      { pollAt: END + 10 * SEC },
      ['watching 1 alarm: t1'],
      { at: END + 10 * SEC, reason: POLL_WAKE_REASON },
    ],
    [
      'leader: the lease looked at at its renewal margin, the role said once',
      start,
      ok(5 * MIN, leader()),
      { leaseAt: T + 60 * SEC, leading: true },
      ['leader: leader (epoch 2)'],
      { at: END + 2 * MIN, reason: POLL_WAKE_REASON },
    ],
    [
      'still leader: nothing to say',
      after({ leading: true }),
      ok(5 * MIN, leader()),
      { leading: true },
      [],
      { at: END + 2 * MIN, reason: POLL_WAKE_REASON },
    ],
    [
      'deposed in its cycle: a standby watches the lease only, every quarter renewal margin (no cycle, no poll)',
      after({ leading: true }),
      ok(5 * MIN, STANDBY),
      { leaseAt: END + 15 * SEC, fullAt: Infinity, pollAt: Infinity, leading: false },
      ['standby: vps-b leads (epoch 7); observing only, committing nothing until the lease expires'],
      { at: END + 15 * SEC, reason: WATCH_WAKE_REASON },
    ],
    [
      'a first failure: retry in 5 s',
      after({ intervalMs: 5 * MIN }),
      failed(),
      { failures: 1, fullAt: END + 5 * SEC, wake: undefined },
      ['retrying in 5s (1 failed in a row)'],
      { at: END + 5 * SEC, reason: 'retry after 1 failed cycle (transient)' },
    ],
    [
      'a third failure: back-off doubles each time',
      after({ intervalMs: 5 * MIN, failures: 2 }),
      failed('terminal'),
      { failures: 3, fullAt: END + 20 * SEC },
      ['retrying in 20s (3 failed in a row)'],
      { at: END + 20 * SEC, reason: 'retry after 3 failed cycles (terminal)' },
    ],
    [
      'the back-off never passes the tuned interval',
      after({ intervalMs: MIN, failures: 6 }),
      failed(),
      { failures: 7, fullAt: END + MIN },
      ['retrying in 1m (7 failed in a row)'],
      { at: END + MIN, reason: 'retry after 7 failed cycles (transient)' },
    ],
    [
      'a failure keeps the poll and lease timings',
      after({ pollAt: T + 9 * SEC, leaseAt: T + 50 * SEC }),
      failed(),
      { pollAt: T + 9 * SEC, leaseAt: T + 50 * SEC },
      ['retrying in 5s (1 failed in a row)'],
      { at: END + 5 * SEC, reason: 'retry after 1 failed cycle (transient)' },
    ],
  ])('cycle: %s', (_what, state, outcome, expected, log, record) => {
    const next = nextLoopState(state, outcome, POLICY);
    const { wake, ...rest } = expected;
    expect(next.state).toMatchObject(rest);
    if ('wake' in expected) expect(next.state.wake).toBe(wake);
    expect(next.log).toEqual(log);
    expect(next.record).toEqual(record);
  });

  const waiting = after({ wake: undefined, fullAt: T + 5 * MIN, intervalMs: 5 * MIN, pollAt: T, leaseAt: T + MIN });
  it.each<[string, LoopState, StepOutcome, Partial<LoopState>, string[], LoopNext['record']]>([
    [
      'lease unreadable: looked at again in 5 s after the attempt',
      waiting,
      took({ kind: 'lease', error: 'cannot read the lease' }),
      { leaseAt: END + 5 * SEC },
      ['lease: cannot read the lease (transient: looked at again in a few seconds)'],
      undefined,
    ],
    [
      'lease taken over: a full cycle at once',
      waiting,
      took({ kind: 'lease', role: leader(true) }),
      { leaseAt: T + 60 * SEC, wake: 'took over the lease: leader (epoch 2)', leading: true },
      ['leader: leader (epoch 2)'],
      { at: T, reason: POLL_WAKE_REASON },
    ],
    [
      'lease renewed: no cycle',
      after({ ...waiting, leading: true }),
      took({ kind: 'lease', role: leader() }),
      { leaseAt: T + 60 * SEC, leading: true },
      [],
      { at: T, reason: POLL_WAKE_REASON },
    ],
    [
      'still standing by: looked at again after a quarter of the renewal margin, nothing else',
      after({ ...waiting, leading: false }),
      took({ kind: 'lease', role: STANDBY }),
      { leaseAt: END + 15 * SEC, fullAt: Infinity, pollAt: Infinity },
      [],
      { at: END + 15 * SEC, reason: WATCH_WAKE_REASON },
    ],
    [
      'still standing by, the term as judged on its own clock ending sooner: looked at then',
      after({ ...waiting, leading: false }),
      took({ kind: 'lease', role: { ...STANDBY, expiresAt: END + 10 * SEC } }),
      { leaseAt: END + 10 * SEC },
      [],
      { at: END + 10 * SEC, reason: WATCH_WAKE_REASON },
    ],
    [
      'a leader that cannot renew, its term not over: looked at again by the time it would lapse',
      after({ ...waiting, leading: true }),
      took({
        kind: 'lease',
        error: 'cannot read the lease',
        role: { ...LEADER, lease: { ...LEADER.lease, expiresAt: END + 3 * SEC } },
      }),
      { leaseAt: END + 3 * SEC, leading: true, fullAt: T + 5 * MIN },
      ['lease: cannot read the lease (transient: looked at again in a few seconds)'],
      { at: T, reason: POLL_WAKE_REASON },
    ],
    [
      'a leader whose term lapsed unrenewed: a standby that says so and decides nothing',
      after({ ...waiting, leading: true }),
      took({ kind: 'lease', error: 'cannot read the lease', role: LAPSED }),
      { leaseAt: END + 5 * SEC, leading: false, fullAt: Infinity, pollAt: Infinity },
      [
        'lease: cannot read the lease (transient: looked at again in a few seconds)',
        'standby: lease lapsed at 2026-03-02T08:00:01.000Z: not renewed within its term, deciding nothing; observing only, committing nothing until the lease expires',
      ],
      { at: END + 5 * SEC, reason: WATCH_WAKE_REASON },
    ],
    [
      'the remote went away: no lease to look at',
      waiting,
      took({ kind: 'lease', role: SOLO }),
      { leaseAt: Infinity },
      [],
      { at: T, reason: POLL_WAKE_REASON },
    ],
    [
      'poll: an alarm due runs a full cycle at once',
      after({ ...waiting, watching: 'p1' }),
      took({ kind: 'poll', due: ['p1', 'p2'], alarms: [pipelineAlarm('p1'), pipelineAlarm('p2')] }),
      { wake: 'alarm p1, p2 due', watching: 'p1, p2', pollAt: T + 30 * SEC },
      ['watching 2 alarms: p1, p2'],
      { at: T + 30 * SEC, reason: POLL_WAKE_REASON },
    ],
    [
      "poll: nothing due, polled again from the poll's start (its cadence kept)",
      waiting,
      took({ kind: 'poll', due: [], alarms: [pipelineAlarm('p1')] }),
      { pollAt: T + 30 * SEC, wake: undefined },
      ['watching 1 alarm: p1'],
      { at: T + 30 * SEC, reason: POLL_WAKE_REASON },
    ],
    [
      'poll: no alarms, the control repo pulled again after 4 polls',
      waiting,
      took({ kind: 'poll', due: [], alarms: [] }),
      { pollAt: T + 2 * MIN },
      [],
      { at: T + 2 * MIN, reason: POLL_WAKE_REASON },
    ],
    [
      'poll: the next full cycle is sooner than 4 polls',
      after({ ...waiting, fullAt: T + MIN, intervalMs: MIN }),
      took({ kind: 'poll', due: [], alarms: [] }),
      { pollAt: T + MIN },
      [],
      { at: T + MIN, reason: 'tuned interval of 1m' },
    ],
    [
      'poll failed: said, and polled as if none were pending',
      after({ ...waiting, watching: 'p1' }),
      took({ kind: 'poll', error: 'pull failed: timed out' }),
      { pollAt: T + 2 * MIN, watching: 'p1' },
      ['alarm poll failed (transient, next poll as usual): pull failed: timed out'],
      { at: T + 2 * MIN, reason: POLL_WAKE_REASON },
    ],
  ])('%s', (_what, state, outcome, expected, log, record) => {
    const next = nextLoopState(state, outcome, POLICY);
    const { wake, ...rest } = expected;
    expect(next.state).toMatchObject(rest);
    if ('wake' in expected) expect(next.state.wake).toBe(wake);
    expect(next.log).toEqual(log);
    expect(next.record).toEqual(record);
  });
});

describe("the loop's policy driven step by step (decide, then reduce), as the runtime does", () => {
  it('a standby sleeps until the lease expires, takes it, and runs a full cycle at once', () => {
    let state = nextLoopState(initialLoopState(T), ok(5 * MIN, STANDBY), POLICY).state;
    const steps: string[] = [];
    for (let now = T + 2 * SEC; steps.length < 4;) {
      const step = decideLoopStep(state, now);
      steps.push(
        step.kind === 'sleep'
          ? `sleep ${(step.until - T) / SEC}s`
          : step.kind === 'cycle'
            ? `cycle (${step.reason})`
            : step.kind,
      );
      if (step.kind === 'sleep') now = step.until;
      else if (step.kind === 'lease')
        state = nextLoopState(
          state,
          { kind: 'lease', role: leaderFrom(now, true), startedAt: now, endedAt: now },
          POLICY,
        ).state;
      else if (step.kind === 'cycle')
        state = nextLoopState(
          state,
          {
            kind: 'cycle',
            ok: true,
            intervalMs: 5 * MIN,
            alarms: [],
            role: leaderFrom(now),
            startedAt: now,
            endedAt: now,
          },
          POLICY,
        ).state;
    }
    // a standby looks every quarter of the renewal margin (15 s); the new leader's next look is its
    // renewal margin: 60 s after the cycle at 17 s
    expect(steps).toEqual(['sleep 17s', 'lease', 'cycle (took over the lease: epoch 8)', 'sleep 77s']);
  });

  it('a standby heeds no webhook or signal: it watches the lease and nothing else', () => {
    const standby = nextLoopState(initialLoopState(T), ok(5 * MIN, STANDBY), POLICY).state;
    expect(heedsWakes(standby)).toBe(false);
    expect(decideLoopStep(standby, END, 'webhook push')).toEqual({ kind: 'sleep', until: END + 15 * SEC });
    const leading = nextLoopState(initialLoopState(T), ok(5 * MIN, leader()), POLICY).state;
    expect(decideLoopStep(leading, END, 'webhook push')).toEqual({ kind: 'cycle', reason: 'webhook push' });
  });

  it('failures back off 5 s, 10 s, 20 s, then a good cycle returns to the tuned interval', () => {
    let state: LoopState = { ...initialLoopState(T), intervalMs: 5 * MIN };
    const waits: number[] = [];
    for (const o of [failed(), failed(), failed(), ok(5 * MIN)]) {
      state = nextLoopState(state, o, POLICY).state;
      waits.push((state.fullAt - END) / SEC);
    }
    expect(waits).toEqual([5, 10, 20, 300]);
  });

  it('an alert due before the tuned interval brings the next full cycle forward, and says why', () => {
    const alertAt = END + 30 * SEC; // group_wait after the alert was first seen
    const next = nextLoopState(
      start,
      took({ kind: 'cycle', ok: true, intervalMs: MIN, alarms: [], role: SOLO, alertAt }),
      POLICY,
    );
    expect(next.state.fullAt).toBe(alertAt);
    expect(next.record).toEqual({ at: alertAt, reason: ALERT_WAKE_REASON });
    expect(decideLoopStep(next.state, alertAt)).toEqual({ kind: 'cycle', reason: ALERT_WAKE_REASON });
    // The cycle after it, with nothing more to send: back to the tuned interval, and it says so.
    const then = nextLoopState(next.state, ok(MIN), POLICY);
    expect(then.state.fullAt).toBe(END + MIN);
    expect(decideLoopStep(then.state, END + MIN)).toEqual({ kind: 'cycle', reason: 'tuned interval of 1m' });
  });

  it('an alert due later than the interval changes nothing; one due at once waits a moment, never a cycle on top of another', () => {
    const late = nextLoopState(
      start,
      took({ kind: 'cycle', ok: true, intervalMs: MIN, alarms: [], role: SOLO, alertAt: END + 5 * MIN }),
      POLICY,
    );
    expect(late.state.fullAt).toBe(END + MIN);
    expect(late.record?.reason).toBe('tuned interval of 1m');
    const now = nextLoopState(
      start,
      took({ kind: 'cycle', ok: true, intervalMs: MIN, alarms: [], role: SOLO, alertAt: END }),
      POLICY,
    );
    expect(now.state.fullAt).toBe(END + ALERT_WAKE_FLOOR_MS);
  });
});
