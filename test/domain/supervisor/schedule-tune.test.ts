import { describe, expect, it } from 'vitest';
import { NO_ACTIVITY, sumActivity, type Activity } from '../../../src/domain/supervisor/activity.js';
import {
  EMPTY_SCHEDULE,
  tuneSchedule,
  type RoleBounds,
  type ScheduleState,
} from '../../../src/domain/supervisor/schedule-tune.js';

const MIN = 60_000;
const T0 = Date.parse('2025-03-01T08:00:00Z');
const BOUNDS: Record<string, RoleBounds> = {
  dev: { minMs: 2 * MIN, maxMs: 30 * MIN },
  review: { minMs: 1 * MIN, maxMs: 15 * MIN },
  supervisor: { minMs: 1 * MIN, maxMs: 10 * MIN },
};
const QUIET = NO_ACTIVITY;
const BUSY: Activity = { ...NO_ACTIVITY, openPulls: 2, ciRunning: 1 };

/** Runs the tuner once a minute over a timeline of (minute -> activity) and records every interval. */
function simulate(minutes: number, activityAt: (minute: number) => Activity, start: ScheduleState = EMPTY_SCHEDULE) {
  let state = start;
  const trace: { minute: number; intervals: Record<string, number>; changed: string[] }[] = [];
  for (let m = 0; m <= minutes; m++) {
    const r = tuneSchedule(state, activityAt(m), BOUNDS, T0 + m * MIN);
    state = r.state;
    trace.push({
      minute: m,
      intervals: Object.fromEntries(Object.entries(state.roles).map(([k, v]) => [k, v.intervalMs / MIN])),
      changed: r.changes.map((c) => c.role),
    });
  }
  return { state, trace };
}

describe('tuneSchedule', () => {
  it('starts every role, the supervisor included, at its minimum with a reason', () => {
    const r = tuneSchedule(EMPTY_SCHEDULE, BUSY, BOUNDS, T0);
    expect(r.changes.map((c) => [c.role, c.fromMs, c.toMs / MIN])).toEqual([
      ['dev', undefined, 2],
      ['review', undefined, 1],
      ['supervisor', undefined, 1],
    ]);
    expect(r.changes[0]!.reason).toContain('2 open PRs, 1 pipeline running');
  });

  it.each([
    // [quiet minutes, expected review interval]: 10-minute steps, doubling, capped at 15m
    [0, 1],
    [9, 1],
    [10, 2],
    [19, 2],
    [20, 4],
    [30, 8],
    [40, 15],
    [60, 15],
    [600, 15],
  ])('slow decay: after %i quiet minutes review runs every %i minutes', (quiet, expected) => {
    const { state } = simulate(quiet, () => QUIET, tuneSchedule(EMPTY_SCHEDULE, BUSY, BOUNDS, T0 - MIN).state);
    expect(state.roles.review!.intervalMs).toBe(expected * MIN);
  });

  it('backs every role off to its own maximum over a quiet hour, never past it', () => {
    const { trace } = simulate(60, () => QUIET);
    const last = trace.at(-1)!.intervals;
    expect(last).toEqual({ dev: 30, review: 15, supervisor: 10 });
    for (const t of trace) {
      for (const [role, b] of Object.entries(BOUNDS)) {
        expect(t.intervals[role]).toBeGreaterThanOrEqual(b.minMs / MIN);
        expect(t.intervals[role]).toBeLessThanOrEqual(b.maxMs / MIN);
      }
    }
  });

  it('fast attack: the first sign of work snaps every role to its minimum in the same tick', () => {
    const { trace } = simulate(70, (m) => (m === 65 ? { ...NO_ACTIVITY, ciPending: 1 } : QUIET));
    expect(trace[64]!.intervals).toEqual({ dev: 30, review: 15, supervisor: 10 });
    expect(trace[65]!.intervals).toEqual({ dev: 2, review: 1, supervisor: 1 });
    expect(trace[65]!.changed).toEqual(['dev', 'review', 'supervisor']);
  });

  it('treats activity seen only through lastActivityAt (opened and merged between looks) as work', () => {
    const quietHour = simulate(60, () => QUIET).state;
    const r = tuneSchedule(quietHour, { ...NO_ACTIVITY, lastActivityAt: T0 + 60.5 * MIN }, BOUNDS, T0 + 61 * MIN);
    expect(r.state.roles.review!.intervalMs).toBe(MIN);
    expect(r.changes[0]!.reason).toMatch(/activity at .* since the last look/);
    // ... and only once: the same timestamp on the next look is old news, the decay starts over.
    const again = tuneSchedule(r.state, { ...NO_ACTIVITY, lastActivityAt: T0 + 60.5 * MIN }, BOUNDS, T0 + 62 * MIN);
    expect(again.changes).toEqual([]);
  });

  it('does not flap when activity toggles at every look: stays at the minimum, no changes after the first', () => {
    const { trace } = simulate(120, (m) => (m % 2 === 0 ? BUSY : QUIET));
    expect(trace.slice(1).flatMap((t) => t.changed)).toEqual([]);
    expect(trace.at(-1)!.intervals).toEqual({ dev: 2, review: 1, supervisor: 1 });
  });

  it('never changes an interval twice within a quiet step unless snapping to the minimum', () => {
    const pattern = (m: number) => (m % 37 < 3 ? BUSY : QUIET);
    const { trace } = simulate(300, pattern);
    const lastChange: Record<string, number> = {};
    for (const t of trace.slice(1)) {
      for (const role of t.changed) {
        const snapped = t.intervals[role] === BOUNDS[role]!.minMs / MIN;
        if (!snapped && lastChange[role] !== undefined) expect(t.minute - lastChange[role]!).toBeGreaterThanOrEqual(10);
        lastChange[role] = t.minute;
      }
    }
  });

  it('changes nothing, reason and since included, when a quiet look comes before the next step', () => {
    const s1 = simulate(25, () => QUIET).state;
    const r = tuneSchedule(s1, QUIET, BOUNDS, T0 + 26 * MIN);
    expect(r.changes).toEqual([]);
    expect(r.state).toEqual(s1);
  });

  it('catches up several steps after a long gap between looks (a supervisor that slept)', () => {
    const start = tuneSchedule(EMPTY_SCHEDULE, BUSY, BOUNDS, T0).state;
    const quiet = tuneSchedule(start, QUIET, BOUNDS, T0 + MIN).state;
    const r = tuneSchedule(quiet, QUIET, BOUNDS, T0 + 31 * MIN);
    expect(r.state.roles.review!.intervalMs).toBe(8 * MIN);
    expect(r.changes.find((c) => c.role === 'review')!.reason).toMatch(
      /^quiet for 30m \(no open PRs, .*\): back off from 1m to 8m, on the way to 15m$/,
    );
  });

  it('clamps into new bounds and says so', () => {
    const s = simulate(60, () => QUIET).state;
    const r = tuneSchedule(s, QUIET, { ...BOUNDS, dev: { minMs: 2 * MIN, maxMs: 20 * MIN } }, T0 + 61 * MIN);
    expect(r.changes).toEqual([
      { role: 'dev', fromMs: 30 * MIN, toMs: 20 * MIN, reason: 'bounds are now 2m to 20m: 30m becomes 20m' },
    ]);
  });

  it('drops roles no longer configured and uses per-role signals when given', () => {
    const s = tuneSchedule(EMPTY_SCHEDULE, QUIET, BOUNDS, T0).state;
    const later = simulate(60, () => QUIET, s).state;
    const r = tuneSchedule(
      later,
      { ...NO_ACTIVITY, readyBacklog: 3 },
      { dev: BOUNDS.dev!, review: BOUNDS.review! },
      T0 + 61 * MIN,
      {
        signals: { review: ['openPulls', 'ciPending', 'ciRunning'] },
      },
    );
    expect(Object.keys(r.state.roles)).toEqual(['dev', 'review']);
    expect(r.state.roles.dev!.intervalMs).toBe(2 * MIN);
    expect(r.state.roles.review!.intervalMs).toBe(15 * MIN);
    expect(r.changes.map((c) => c.reason)).toEqual(['work in flight (3 ready issues): run every 2m, the minimum']);
  });

  it('sums activity over repositories', () => {
    expect(
      sumActivity([{ ...BUSY, lastActivityAt: 5 }, { ...NO_ACTIVITY, readyBacklog: 4, lastActivityAt: 9 }, QUIET]),
    ).toEqual({
      openPulls: 2,
      ciPending: 0,
      ciRunning: 1,
      readyBacklog: 4,
      lastActivityAt: 9,
    });
  });
});
