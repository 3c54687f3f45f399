import { describe, expect, it } from 'vitest';
import {
  alarmFromFlags,
  alarmListLine,
  judgeTarget,
  type AlarmFlags,
  type NewAlarm,
} from '../../../src/domain/supervisor/alarm-spec.js';
import type { TargetState } from '../../../src/domain/supervisor/alarms-evaluate.js';

const NOW = Date.parse('2026-03-02T08:00:00Z');

describe('alarm add: flags to an alarm', () => {
  const rows: [string, AlarmFlags, object][] = [
    ['a pipeline', { pipeline: '940' }, { ok: true, spec: { kind: 'pipeline', number: 940 } }],
    [
      'a PR is a pull, with its repo, command and note',
      { pr: '7', repo: 'acme/web', command: 'make', note: 'ship' },
      { ok: true, spec: { kind: 'pull', number: 7, repo: 'acme/web', command: 'make', note: 'ship' } },
    ],
    ['a time from now', { at: '2h' }, { ok: true, spec: { kind: 'time', at: '2026-03-02T10:00:00Z' } }],
    [
      'a time in the past: data error',
      { at: '2026-03-01T00:00:00Z' },
      { ok: false, kind: 'data', message: expect.stringContaining('not in the future') },
    ],
    [
      'not a time',
      { at: 'soon' },
      { ok: false, kind: 'usage', message: expect.stringContaining('not a time or a duration') },
    ],
    [
      'two targets',
      { pipeline: '1', pr: '2' },
      { ok: false, kind: 'usage', message: expect.stringContaining('exactly one') },
    ],
    ['none', {}, { ok: false, kind: 'usage' }],
    [
      'a bad repo',
      { pipeline: '1', repo: 'web' },
      { ok: false, kind: 'usage', message: expect.stringContaining('OWNER/NAME') },
    ],
    [
      'not a positive number',
      { issue: '0', repo: 'acme/web' },
      { ok: false, kind: 'usage', message: expect.stringContaining('positive number') },
    ],
    [
      'an issue without its repo',
      { issue: '3' },
      { ok: false, kind: 'usage', message: '--issue needs --repo OWNER/NAME' },
    ],
  ];
  it.each(rows)('%s', (_, flags, expected) => expect(alarmFromFlags(flags, NOW)).toMatchObject(expected));
});

describe('alarm add: what the forge said about the target', () => {
  const pr: NewAlarm = { kind: 'pull', number: 7, repo: 'acme/web' };
  const rows: [string, NewAlarm, { state: TargetState } | { error: string }, object][] = [
    [
      'unreachable: nothing added',
      pr,
      { error: 'token unset' },
      {
        ok: false,
        kind: 'unavailable',
        message: expect.stringContaining('cannot check that PR #7 of acme/web exists: token unset'),
      },
    ],
    [
      'missing on the forge',
      pr,
      { state: { kind: 'missing' } },
      { ok: false, kind: 'data', message: expect.stringContaining('the forge answered 404') },
    ],
    [
      'missing on CI',
      { kind: 'pipeline', number: 9 },
      { state: { kind: 'missing' } },
      { ok: false, kind: 'data', message: expect.stringContaining('the CI server answered 404') },
    ],
    ['open: go on', pr, { state: { kind: 'pull', state: 'open', merged: false } }, { ok: true }],
    [
      'already closed: go on, with a note',
      pr,
      { state: { kind: 'pull', state: 'closed', merged: true } },
      { ok: true, note: expect.stringContaining('already finished') },
    ],
    [
      'pipeline finished: a note',
      { kind: 'pipeline', number: 9 },
      { state: { kind: 'pipeline', status: 'success' } },
      { ok: true, note: expect.any(String) },
    ],
  ];
  it.each(rows)('%s', (_, spec, seen, expected) => expect(judgeTarget(spec, seen)).toMatchObject(expected));

  it('lists one alarm a line', () => {
    expect(
      alarmListLine({
        id: 'pipeline-9',
        kind: 'pipeline',
        number: 9,
        command: 'make',
        note: 'n',
        createdBy: 'ops',
        createdAt: '2026-03-02T08:00:00Z',
      }),
    ).toMatch(/^pipeline-9 +pipeline #9.*then runs `make` \(n\) \[ops\]$/);
  });
});
