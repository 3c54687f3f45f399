import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CiOverload } from '../../../src/domain/config/supervisor-schema.js';
import { NO_ACTIVITY, type Activity } from '../../../src/domain/supervisor/activity.js';
import {
  decideCiOverload,
  type CiOverloadState,
  type CiQueueObservation,
} from '../../../src/domain/supervisor/ci-overload.js';
import { EMPTY_SCHEDULE, tuneSchedule, type ScheduleState } from '../../../src/domain/supervisor/schedule-tune.js';

const MIN = 60_000;
const T0 = Date.parse('2025-03-01T00:00:00Z');
const STEP = 10 * MIN;

const look = fc.record({
  gapMs: fc.integer({ min: 1000, max: 45 * MIN }),
  busy: fc.boolean(),
  openPulls: fc.integer({ min: 1, max: 5 }),
});
const bounds = fc.record({ minMs: fc.integer({ min: 1000, max: 10 * MIN }), spread: fc.integer({ min: 1, max: 64 }) });

describe('properties over random activity timelines', () => {
  it('tuneSchedule stays within bounds and changes other than a snap to the minimum are a quiet step apart', () => {
    fc.assert(
      fc.property(bounds, fc.array(look, { maxLength: 80 }), (b, looks) => {
        const B = { dev: { minMs: b.minMs, maxMs: b.minMs * b.spread } };
        let state: ScheduleState = EMPTY_SCHEDULE;
        let now = T0;
        let lastChange: number | undefined;
        for (const l of looks) {
          now += l.gapMs;
          const activity: Activity = l.busy ? { ...NO_ACTIVITY, openPulls: l.openPulls } : NO_ACTIVITY;
          const r = tuneSchedule(state, activity, B, now, { quietStepMs: STEP });
          state = r.state;
          const dev = state.roles.dev!;
          expect(dev.intervalMs).toBeGreaterThanOrEqual(B.dev.minMs);
          expect(dev.intervalMs).toBeLessThanOrEqual(B.dev.maxMs);
          if (l.busy) expect(dev.intervalMs).toBe(B.dev.minMs);
          for (const c of r.changes) {
            if (c.fromMs !== undefined && c.toMs !== B.dev.minMs && lastChange !== undefined)
              expect(now - lastChange).toBeGreaterThanOrEqual(STEP);
            expect(c.reason.length).toBeGreaterThan(10);
            lastChange = now;
          }
        }
      }),
    );
  });

  it('decideCiOverload never changes its halts on missing data, and never resumes above the resume threshold', () => {
    const cfg = CiOverload.parse({});
    const obs = fc.oneof(
      fc.record({
        pendingCount: fc.integer({ min: 0, max: 40 }),
        oldestPendingAgeMs: fc.integer({ min: 0, max: 90 * MIN }),
      }),
      fc.constant<CiQueueObservation>({ error: 'timeout' }),
      fc.constant<CiQueueObservation>(undefined),
    );
    fc.assert(
      fc.property(fc.array(obs, { maxLength: 60 }), (observations) => {
        let state: CiOverloadState | undefined;
        observations.forEach((o, i) => {
          const before = state?.level ?? 0;
          const d = decideCiOverload(state, o, cfg, T0 + i * MIN, { roles: { first: ['review'], second: ['dev'] } });
          if (o === undefined || 'error' in o) {
            expect(d.state.level).toBe(before);
            expect(d.changed).toBe(false);
          } else if (d.state.level < before) {
            const limit = before === 2 ? cfg.devPending : cfg.reviewPending;
            expect(o.pendingCount).toBeLessThan(limit * cfg.resumeFraction);
            expect(before - d.state.level).toBe(1);
          }
          state = d.state;
        });
      }),
    );
  });
});
