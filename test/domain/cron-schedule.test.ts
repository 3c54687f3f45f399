import { describe, expect, it } from 'vitest';
import { cronSchedule } from '../../src/domain/cron-schedule.js';

const M = 60_000;
const H = 60 * M;

describe('cronSchedule rounds an interval to an even cron step', () => {
  it.each([
    [10 * 1000, 1 * M],
    [1 * M, 1 * M],
    [2 * M, 2 * M],
    [7 * M, 6 * M],
    [8 * M, 10 * M],
    [9.5 * M, 10 * M],
    [25 * M, 30 * M],
    [40 * M, 30 * M],
    [45 * M, 60 * M],
    [60 * M, 1 * H],
    [90 * M, 2 * H],
    [5 * H, 6 * H],
    [10 * H, 12 * H],
    [18 * H, 24 * H],
    [72 * H, 24 * H],
  ])('%i ms -> every %i ms', (interval, every) => {
    expect(cronSchedule(interval, 'dev@o/r').everyMs).toBe(every);
  });

  it.each([
    [1 * M, /^\* \* \* \* \*$/],
    [10 * M, /^(\*\/10|[1-9]-59\/10) \* \* \* \*$/],
    [2 * H, /^\d{1,2} (\*\/2|1-23\/2) \* \* \*$/],
    [24 * H, /^\d{1,2} \d{1,2} \* \* \*$/],
  ])('%i ms has the shape %s', (interval, shape) => {
    expect(cronSchedule(interval, 'review@o/r').expr).toMatch(shape);
  });

  it('spreads agents over the step by id, the same on every call', () => {
    const ids = ['dev@a/1', 'dev@a/2', 'dev@a/3', 'dev@a/4', 'review@a/1', 'review@a/2'];
    const exprs = ids.map((id) => cronSchedule(10 * M, id).expr);
    expect(new Set(exprs).size).toBeGreaterThan(1);
    expect(ids.map((id) => cronSchedule(10 * M, id).expr)).toEqual(exprs);
    for (const e of exprs) {
      const first = e.startsWith('*/') ? 0 : Number(e.split('-')[0]);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(first).toBeLessThan(10);
    }
  });
});
