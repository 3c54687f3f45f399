import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Alarm, AlarmsFile } from '../../../src/domain/config/alarm-schema.js';
import { addAlarm, alarmId, removeAlarms, renderAlarmsYaml } from '../../../src/domain/supervisor/alarms-edit.js';
import {
  alarmTargetKey,
  alarmTargets,
  evaluateAlarms,
  type ObservedTargets,
} from '../../../src/domain/supervisor/alarms-evaluate.js';
import { nextWake } from '../../../src/domain/supervisor/next-wake.js';

const T0 = Date.parse('2025-03-01T08:00:00Z');
const MIN = 60_000;
const by = { createdBy: 'alice', createdAt: '2025-03-01T07:00:00Z' };
const pipeline = Alarm.parse({ id: 'pipeline-940', kind: 'pipeline', number: 940, command: 'notify-send done', ...by });
const pull = Alarm.parse({ id: 'pull-acme-app-12', kind: 'pull', repo: 'acme/app', number: 12, ...by });
const issue = Alarm.parse({ id: 'issue-acme-app-7', kind: 'issue', repo: 'acme/app', number: 7, ...by });
const time = Alarm.parse({
  id: 'time-0830',
  kind: 'time',
  at: '2025-03-01T08:30:00Z',
  note: 'check the release',
  ...by,
});
const ALL = [pipeline, pull, issue, time];

describe('alarm schema', () => {
  it.each([
    [{ kind: 'time', ...by, id: 'a' }, 'at', 'a time alarm needs `at`'],
    [{ kind: 'pipeline', ...by, id: 'a' }, 'number', 'a pipeline alarm needs `number`'],
    [{ kind: 'pull', number: 3, ...by, id: 'a' }, 'repo', 'a pull alarm needs `repo`'],
    [
      { kind: 'issue', number: 3, repo: 'a/b', at: '2025-03-01T08:00:00Z', ...by, id: 'a' },
      'at',
      'a issue alarm takes no `at`',
    ],
    [
      { kind: 'pipeline', number: 3, ...by, id: 'Bad Id' },
      'id',
      'an id: lower case letters, digits, dot, dash, underscore',
    ],
  ])('rejects %o at %s', (input, field, message) => {
    const r = Alarm.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual([field, message]);
  });

  it('rejects duplicate ids in alarms.yaml and accepts an empty file', () => {
    expect(AlarmsFile.safeParse({ alarms: [pipeline, pipeline] }).error!.issues[0]!.message).toBe(
      'duplicate alarm id "pipeline-940"',
    );
    expect(AlarmsFile.parse({})).toEqual({ alarms: [] });
  });
});

describe('evaluateAlarms', () => {
  it.each<[string, ObservedTargets, number, string[]]>([
    ['nothing observed yet: everything waits', {}, T0, []],
    ['pipeline still running', { 'pipeline:*#940': { kind: 'pipeline', status: 'running' } }, T0, []],
    ['pipeline pending', { 'pipeline:*#940': { kind: 'pipeline', status: 'pending' } }, T0, []],
    ...['success', 'failure', 'killed', 'error', 'declined', 'skipped'].map(
      (status): [string, ObservedTargets, number, string[]] => [
        `pipeline ${status}`,
        { 'pipeline:*#940': { kind: 'pipeline', status } },
        T0,
        [`pipeline #940 finished: ${status}`],
      ],
    ),
    [
      'PR merged',
      { 'pull:acme/app#12': { kind: 'pull', state: 'closed', merged: true } },
      T0,
      ['PR #12 of acme/app merged'],
    ],
    [
      'PR closed',
      { 'pull:acme/app#12': { kind: 'pull', state: 'closed', merged: false } },
      T0,
      ['PR #12 of acme/app closed without merging'],
    ],
    ['PR open', { 'pull:acme/app#12': { kind: 'pull', state: 'open', merged: false } }, T0, []],
    ['issue closed', { 'issue:acme/app#7': { kind: 'issue', state: 'closed' } }, T0, ['issue #7 of acme/app closed']],
    ['target deleted', { 'issue:acme/app#7': { kind: 'missing' } }, T0, ['issue #7 of acme/app no longer exists']],
    ['time not yet', {}, T0 + 29 * MIN, []],
    ['time reached', {}, T0 + 30 * MIN, ['time 2025-03-01 08:30 UTC reached']],
  ])('%s', (_name, observed, now, reasons) => {
    const r = evaluateAlarms(ALL, observed, now);
    expect(r.fired.map((f) => f.reason)).toEqual(reasons);
    expect(r.remaining.length + r.fired.length).toBe(ALL.length);
  });

  it('keeps the command of a fired alarm and tells when the next time alarm is due', () => {
    const r = evaluateAlarms(ALL, { 'pipeline:*#940': { kind: 'pipeline', status: 'success' } }, T0);
    expect(r.fired[0]!.alarm.command).toBe('notify-send done');
    expect(r.nextWakeAt).toBe(T0 + 30 * MIN);
    expect(evaluateAlarms([pipeline], {}, T0).nextWakeAt).toBeUndefined();
  });

  it('lists each target to look up once', () => {
    const twin = { ...pipeline, id: 'other' };
    expect(alarmTargets([pipeline, twin, pull, time]).map((t) => t.key)).toEqual([
      'pipeline:*#940',
      'pull:acme/app#12',
    ]);
    expect(alarmTargetKey(pull)).toBe('pull:acme/app#12');
  });
});

describe('nextWake', () => {
  it.each<[string, Alarm[], number, string]>([
    ['no alarms: the tuned interval', [], T0 + 15 * MIN, 'tuned interval of 15m'],
    ['a pipeline alarm: the alarm poll', [pipeline], T0 + 30_000, '1 alarm polled every 30s'],
    [
      'a time alarm before the interval',
      [{ ...time, at: '2025-03-01T08:05:00Z' }],
      T0 + 5 * MIN,
      'alarm time-0830 at 2025-03-01 08:05 UTC',
    ],
    [
      'a time alarm after the interval',
      [{ ...time, at: '2025-03-01T09:00:00Z' }],
      T0 + 15 * MIN,
      'tuned interval of 15m',
    ],
    [
      'an overdue time alarm: now',
      [{ ...time, at: '2025-03-01T07:00:00Z' }],
      T0,
      'alarm time-0830 at 2025-03-01 07:00 UTC',
    ],
  ])('%s', (_name, alarms, at, reason) => {
    expect(nextWake(15 * MIN, alarms, 30_000, T0)).toEqual({ at, reason });
  });
});

describe('alarm editing', () => {
  it('derives stable ids and adds the same alarm only once', () => {
    expect(alarmId({ kind: 'pipeline', number: 940 })).toBe('pipeline-940');
    expect(alarmId({ kind: 'pull', repo: 'Acme/App', number: 12 })).toBe('pull-acme-app-12');
    expect(alarmId({ kind: 'time', at: '2025-03-01T08:30:00+01:00' })).toBe('time-20250301t0830000100');
    const spec = { kind: 'pipeline' as const, number: 940, ...by };
    const once = addAlarm([], spec);
    const twice = addAlarm(once.alarms, spec);
    expect([once.added, twice.added, twice.alarms.length]).toEqual([true, false, 1]);
    expect(removeAlarms(twice.alarms, ['pipeline-940', 'nope'])).toEqual({ alarms: [], removed: [once.alarm] });
  });

  it('renders alarms.yaml that parses back and is identical for identical alarms', () => {
    const text = renderAlarmsYaml(ALL);
    expect(renderAlarmsYaml(ALL.map((a) => ({ ...a })))).toBe(text);
    expect(AlarmsFile.parse(parse(text))).toEqual({ alarms: ALL });
  });
});
