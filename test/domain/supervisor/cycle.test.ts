import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import { planCycle, type Observed, type RepoObservation } from '../../../src/domain/supervisor/cycle.js';
import { decisionsFromStatus } from '../../../src/domain/supervisor/journal.js';
import { readStateSnapshot, STATE_PATHS } from '../../../src/domain/supervisor/state-files.js';
import { statusWriteDue } from '../../../src/domain/supervisor/status-write.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');
const config = FactoryConfig.parse({
  version: 1,
  name: 'unit',
  roles: {
    dev: { haltLevel: 1, schedule: { min: '2m', max: '30m' } },
    review: { haltLevel: 2, schedule: { min: '2m', max: '30m' } },
    supervisor: { protected: true },
  },
  nodes: { n1: { roles: ['dev', 'review'] } },
  supervisor: { ciOverload: { reviewPending: 3, devPending: 6 } },
});
const quiet = (slug = 'a/b'): RepoObservation => ({
  slug,
  activity: { openPulls: 0, ciPending: 0, ciRunning: 0, readyBacklog: 0 },
  calls: 3,
});
const busy = (slug = 'a/b'): RepoObservation => ({
  slug,
  activity: { openPulls: 1, ciPending: 0, ciRunning: 1, readyBacklog: 0 },
  calls: 4,
});
const failed = (slug = 'c/d'): RepoObservation => ({ slug, error: 'GET /repos/c/d/pulls HTTP 500', calls: 1 });
const observed = (o: Partial<Observed> = {}): Observed => ({
  repos: [quiet()],
  targets: {},
  nodes: [],
  ciQueue: { pendingCount: 0, oldestPendingAgeMs: 0 },
  ...o,
});

/** Runs cycles one after another, each on the files the previous one wrote. */
function cycles(steps: { at: number; observed: Observed }[], files = new Map<string, string | undefined>()) {
  return steps.map((s) => {
    const plan = planCycle({
      config,
      state: readStateSnapshot(files),
      observed: s.observed,
      now: s.at,
      selfNode: 'n1',
    });
    for (const [path, text] of Object.entries(plan.changes)) files.set(path, text);
    return { plan, files };
  });
}
const interval = (files: Map<string, string | undefined>, role: string) =>
  parse(files.get(STATE_PATHS.schedule)!).roles[role].interval;

describe('planCycle: observed forges and CI -> files to commit', () => {
  it.each([
    ['complete quiet data backs dev off', [quiet()], '4m', true],
    ['a repository that failed holds the back-off', [quiet(), failed()], '2m', false],
    ['work seen elsewhere still snaps to the minimum', [busy(), failed()], '2m', false],
  ])('%s', (_name, repos, dev, scheduleWritten) => {
    const [, second] = cycles([
      { at: T0, observed: observed() },
      { at: T0 + 10 * MIN, observed: observed({ repos }) },
    ]);
    expect(interval(second!.files, 'dev')).toBe(dev);
    expect(STATE_PATHS.schedule in second!.plan.changes).toBe(scheduleWritten);
  });

  it('makes no change at all on a second identical quiet cycle', () => {
    const [first, second] = cycles([
      { at: T0, observed: observed() },
      { at: T0 + MIN, observed: observed() },
    ]);
    expect(Object.keys(first!.plan.changes).sort()).toEqual([STATE_PATHS.status, STATE_PATHS.schedule].sort());
    expect(second!.plan.changes).toEqual({});
  });

  it.each([
    ['over the review limit halts review', { pendingCount: 3, oldestPendingAgeMs: 0 }, ['review']],
    ['over the dev limit halts both', { pendingCount: 6, oldestPendingAgeMs: 0 }, ['review', 'dev']],
    ['an unknown queue keeps the halt', { error: 'HTTP 503' }, ['review']],
    ['a drained queue resumes', { pendingCount: 0, oldestPendingAgeMs: 0 }, []],
  ])('CI queue: %s', (_name, queue, roles) => {
    const [, second] = cycles([
      { at: T0, observed: observed({ ciQueue: { pendingCount: 4, oldestPendingAgeMs: 0 } }) },
      { at: T0 + MIN, observed: observed({ ciQueue: queue }) },
    ]);
    expect(parse(second!.files.get(STATE_PATHS.halts)!).halts.map((h: { role: string }) => h.role)).toEqual(roles);
    expect(second!.files.get(STATE_PATHS.status)).toMatch(
      roles.includes('review') ? /\| n1 \| review \| \*\*halted\*\* \| supervisor/ : /\| n1 \| review \| runs \|/,
    );
  });

  it('fires an alarm when its target finishes, removes it, records it; waits while its target is unknown', () => {
    const files = new Map<string, string | undefined>([
      [
        STATE_PATHS.alarms,
        'alarms:\n  - { id: pipeline-940, kind: pipeline, number: 940, createdBy: me, createdAt: "2026-03-02T07:00:00Z" }\n',
      ],
    ]);
    const [waiting, fired] = cycles(
      [
        { at: T0, observed: observed() },
        {
          at: T0 + MIN,
          observed: observed({ targets: { 'pipeline:*#940': { kind: 'pipeline', status: 'success' } } }),
        },
      ],
      files,
    );
    expect(waiting!.plan.fired).toEqual([]);
    expect(waiting!.plan.wake.reason).toBe('1 alarm polled every 30s');
    expect(fired!.plan.fired.map((f) => f.reason)).toEqual(['pipeline #940 finished: success']);
    expect(parse(files.get(STATE_PATHS.alarms)!).alarms).toEqual([]);
    expect(decisionsFromStatus(files.get(STATE_PATHS.status))[0]).toEqual({
      at: T0 + MIN,
      text: 'alarm pipeline-940 fired: pipeline #940 finished: success',
    });
    expect(fired!.plan.message).toMatch(/^supervisor: alarm pipeline-940 fired/);
  });

  it.each([
    ['first cycle: the supervisor at its minimum', [{ at: T0, observed: observed() }], 60_000],
    [
      'a quiet hour: the supervisor backed off',
      Array.from({ length: 8 }, (_, i) => ({ at: T0 + i * 10 * MIN, observed: observed() })),
      undefined,
    ],
  ])(
    "carries the supervisor's own interval, computed once, the one its wake counts from: %s",
    (_name, steps, expected) => {
      const runs = cycles(steps);
      const { plan } = runs[runs.length - 1]!;
      expect(plan.intervalMs).toBe(plan.schedule.roles.supervisor!.intervalMs);
      if (expected !== undefined) expect(plan.intervalMs).toBe(expected);
      else expect(plan.intervalMs).toBeGreaterThan(60_000);
      expect(plan.wake).toEqual({
        at: steps[steps.length - 1]!.at + plan.intervalMs,
        reason: expect.stringMatching(/^tuned interval of /),
      });
    },
  );

  it('leaves an unreadable halts.yaml alone and says so', () => {
    const files = new Map<string, string | undefined>([[STATE_PATHS.halts, 'halts: [ {role: 1} ]\n']]);
    const [only] = cycles(
      [{ at: T0, observed: observed({ ciQueue: { pendingCount: 9, oldestPendingAgeMs: 0 } }) }],
      files,
    );
    expect(STATE_PATHS.halts in only!.plan.changes).toBe(false);
    expect(only!.plan.notes.join('\n')).toContain('halts.yaml is unreadable');
  });
});

describe('statusWriteDue: tables at once, charts at most hourly and only when what they draw moved', () => {
  const page = (decision: string, from: string, bars: string) =>
    `# f\n\n## Recent decisions\n\n- ${decision}\n\n## Over the last day\n\nFrom ${from} UTC to 2026-03-02 08:15 UTC, in 15m steps.\n\n${bars}\n`;
  it.each([
    ['identical', page('a', '2026-03-01 08:15', 'x'), page('a', '2026-03-01 08:15', 'x'), T0, false],
    [
      'only the window moved',
      page('a', '2026-03-01 08:15', 'x'),
      page('a', '2026-03-01 09:15', 'x').replace('08:15 UTC,', '09:15 UTC,'),
      T0 + 3 * 3_600_000,
      false,
    ],
    [
      'bars moved within the hour',
      page('a', '2026-03-01 08:15', 'x'),
      page('a', '2026-03-01 08:30', 'y'),
      T0 + 20 * MIN,
      false,
    ],
    [
      'bars moved after an hour',
      page('a', '2026-03-01 08:15', 'x'),
      page('a', '2026-03-01 09:15', 'y'),
      T0 + 61 * MIN,
      true,
    ],
    ['a decision, at once', page('a', '2026-03-01 08:15', 'x'), page('b', '2026-03-01 08:15', 'x'), T0 + MIN, true],
  ])('%s', (_name, oldText, newText, now, write) => {
    expect(statusWriteDue(oldText, newText, now).write).toBe(write);
  });
});
