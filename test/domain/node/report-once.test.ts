import { describe, expect, it } from 'vitest';
import { reportOnce, type Reported } from '../../../src/domain/node/report-once.js';

const T = Date.parse('2025-06-01T12:00:00Z');
const AT = '2025-06-01T12:00:00.000Z';

/** Feeds reports in order from nothing reported; returns what each one logged and journaled, and the set at the end. */
function feed(steps: [string, string | undefined][]): { logs: string[][]; kinds: string[][]; reported: Reported } {
  let reported: Reported = new Set();
  const logs: string[][] = [];
  const kinds: string[][] = [];
  for (const [topic, message] of steps) {
    const out = reportOnce(reported, topic, message, T);
    reported = out.reported;
    logs.push(out.logs);
    kinds.push(out.events.map((e) => e.kind));
  }
  return { logs, kinds, reported };
}

describe('reportOnce', () => {
  it.each([
    {
      situation: 'a condition that lasts three cycles is reported once',
      steps: [
        ['halt files', 'halt files: ENOSPC'],
        ['halt files', 'halt files: ENOSPC'],
        ['halt files', 'halt files: ENOSPC'],
      ] as [string, string | undefined][],
      logs: [['halt files: ENOSPC'], [], []],
      kinds: [['halt'], [], []],
      open: 1,
    },
    {
      situation: 'a condition that ends is "fine again", once',
      steps: [
        ['halt files', 'halt files: ENOSPC'],
        ['halt files', undefined],
        ['halt files', undefined],
      ] as [string, string | undefined][],
      logs: [['halt files: ENOSPC'], ['halt files: fine again'], []],
      kinds: [['halt'], ['halt-ok'], []],
      open: 0,
    },
    {
      situation: 'nothing wrong and nothing reported before: silence',
      steps: [
        ['records', undefined],
        ['records', undefined],
      ] as [string, string | undefined][],
      logs: [[], []],
      kinds: [[], []],
      open: 0,
    },
    {
      situation: 'a condition whose message changes is reported again, replacing the old one',
      steps: [
        ['crontab', 'crontab: refused'],
        ['crontab', 'crontab: no crontab on this machine'],
      ] as [string, string | undefined][],
      logs: [['crontab: refused'], ['crontab: no crontab on this machine']],
      kinds: [['crontab'], ['crontab']],
      open: 1,
    },
    {
      situation: 'topics are independent: one ending does not end the other',
      steps: [
        ['pull', 'pull failed'],
        ['sampler', 'sampler failed: EIO'],
        ['pull', undefined],
        ['sampler', 'sampler failed: EIO'],
      ] as [string, string | undefined][],
      logs: [['pull failed'], ['sampler failed: EIO'], ['pull: fine again'], []],
      kinds: [['pull'], ['sampler'], ['pull-ok'], []],
      open: 1,
    },
    {
      situation: "a topic's first word is the journal kind",
      steps: [
        ['crontab-warning marker repaired', 'crontab: marker repaired'],
        ['crontab-warning marker repaired', undefined],
      ] as [string, string | undefined][],
      logs: [['crontab: marker repaired'], ['crontab-warning marker repaired: fine again']],
      kinds: [['crontab-warning'], ['crontab-warning-ok']],
      open: 0,
    },
  ])('$situation', ({ steps, logs, kinds, open }) => {
    const out = feed(steps);
    expect(out.logs).toEqual(logs);
    expect(out.kinds).toEqual(kinds);
    expect(out.reported.size).toBe(open);
  });

  it('journals at the time given, with the message as the reason; leaves the set it was given alone', () => {
    const before: Reported = new Set();
    const out = reportOnce(before, 'records', 'records: cannot write /run: EROFS', T);
    expect(out.events).toEqual([{ at: AT, kind: 'records', reason: 'records: cannot write /run: EROFS' }]);
    expect(before.size).toBe(0);
    expect(reportOnce(out.reported, 'records', undefined, T).events).toEqual([
      { at: AT, kind: 'records-ok', reason: 'records: fine again' },
    ]);
  });
});
