import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import { ScheduleFile } from '../../../src/domain/config/schedule-schema.js';
import { NO_ACTIVITY } from '../../../src/domain/supervisor/activity.js';
import {
  renderScheduleYaml,
  scheduleBounds,
  scheduleStateFromFile,
} from '../../../src/domain/supervisor/schedule-file.js';
import { EMPTY_SCHEDULE, tuneSchedule } from '../../../src/domain/supervisor/schedule-tune.js';

const MIN = 60_000;
const T0 = Date.parse('2025-03-01T08:00:00Z');
const BOUNDS = {
  dev: { minMs: 2 * MIN, maxMs: 60 * MIN },
  supervisor: { minMs: MIN, maxMs: 15 * MIN },
  review: { minMs: 90_000, maxMs: 15 * MIN },
};

describe('schedule.yaml', () => {
  it('round-trips through the schema, state -> text -> state, quiet period included', () => {
    let state = tuneSchedule(EMPTY_SCHEDULE, { ...NO_ACTIVITY, openPulls: 1 }, BOUNDS, T0).state;
    state = tuneSchedule(state, NO_ACTIVITY, BOUNDS, T0 + MIN).state;
    state = tuneSchedule(state, NO_ACTIVITY, BOUNDS, T0 + 11 * MIN).state;
    const text = renderScheduleYaml(state);
    expect(text).toContain('interval: 3m');
    expect(text).toContain('quietSince: 2025-03-01T08:01:00Z');
    expect(renderScheduleYaml(tuneSchedule(EMPTY_SCHEDULE, NO_ACTIVITY, BOUNDS, T0).state)).toContain('interval: 90s');
    const back = scheduleStateFromFile(ScheduleFile.parse(parse(text)));
    expect(back).toEqual(state);
    expect(renderScheduleYaml(back)).toBe(text);
  });

  it('gives identical bytes for the same state whatever the key order, and differs when an interval changes', () => {
    const a = tuneSchedule(EMPTY_SCHEDULE, NO_ACTIVITY, BOUNDS, T0).state;
    const reordered = { roles: Object.fromEntries(Object.entries(a.roles).reverse()) };
    expect(renderScheduleYaml(reordered)).toBe(renderScheduleYaml(a));
    const quietLook = tuneSchedule(a, NO_ACTIVITY, BOUNDS, T0 + 5 * MIN).state;
    expect(renderScheduleYaml(quietLook)).toBe(renderScheduleYaml(a));
    const stepped = tuneSchedule(a, NO_ACTIVITY, BOUNDS, T0 + 10 * MIN).state;
    expect(renderScheduleYaml(stepped)).not.toBe(renderScheduleYaml(a));
  });

  it.each([
    [{ roles: { dev: { interval: '2m', reason: 'r', since: '2025-03-01T08:00:00Z' } } }, true],
    [{ roles: { dev: { intervalMs: 120000, reason: 'r', since: '2025-03-01T08:00:00Z' } } }, true],
    [{ roles: { dev: { reason: 'r', since: '2025-03-01T08:00:00Z' } } }, false],
    [{ roles: { dev: { interval: '2m', intervalMs: 1, reason: 'r', since: '2025-03-01T08:00:00Z' } } }, false],
    [{ roles: { dev: { interval: 'soon', reason: 'r', since: '2025-03-01T08:00:00Z' } } }, false],
  ])('schema accepts exactly one interval form: %o -> %s', (input, ok) => {
    expect(ScheduleFile.safeParse(input).success).toBe(ok);
  });

  it('reads the bounds of scheduled roles and the supervisor from factory.yaml', () => {
    const config = FactoryConfig.parse({
      version: 1,
      name: 'f',
      nodes: {},
      roles: { dev: { schedule: { min: '5m', max: '1h', initial: '10m' } }, other: {} },
      supervisor: { interval: { min: '30s', max: '10m' } },
    });
    expect(scheduleBounds(config)).toEqual({
      dev: { minMs: 5 * MIN, maxMs: 60 * MIN, initialMs: 10 * MIN },
      supervisor: { minMs: 30_000, maxMs: 10 * MIN },
    });
  });
});
