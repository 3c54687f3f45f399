import { describe, expect, it } from 'vitest';
import { logEvents } from '../../../src/domain/logs/collect.js';
import { freshEvents } from '../../../src/domain/logs/follow.js';
import { nodeJournalEvents, type LogEvent } from '../../../src/domain/logs/log-event.js';
import { logJson, logLine } from '../../../src/domain/logs/render.js';
import { matches, mergeLogs } from '../../../src/domain/logs/select.js';
import { pastTime } from '../../../src/domain/logs/time-bound.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const ev = (s: number, extra: Partial<LogEvent> = {}): LogEvent => ({
  at: T0 + s * 1000,
  node: 'n1',
  source: 'node',
  event: 'role-halted',
  reason: 'level 1',
  ...extra,
});
const sup = (s: number, reason: string): LogEvent => ({
  at: T0 + s * 1000,
  source: 'supervisor',
  event: 'decision',
  reason,
});

describe('journal and STATUS.md parsing', () => {
  it('reads journal lines, skipping torn and foreign ones', () => {
    const text = [
      JSON.stringify({ at: '2026-12-01T10:00:00.000Z', kind: 'role-halted', reason: 'level 1', role: 'dev' }),
      '{"at": "2026-12-01T10:00:01',
      JSON.stringify({ kind: 'no time' }),
      JSON.stringify({ at: '2026-12-01T10:00:02.000Z', kind: 'level-changed', reason: 'ok', repo: 'acme/web' }),
      '',
    ].join('\n');
    expect(nodeJournalEvents('n1', text)).toEqual([
      ev(0, { role: 'dev' }),
      ev(2, { event: 'level-changed', reason: 'ok', repo: 'acme/web' }),
    ]);
  });
  it('drops lines outside --since/--until by their leading time, as the filter would; other lines are parsed', () => {
    const line = (s: number, extra: Record<string, string> = {}) =>
      JSON.stringify({ at: new Date(T0 + s * 1000).toISOString(), kind: 'role-halted', reason: 'level 1', ...extra });
    const text = [
      line(0),
      line(10, { role: 'dev' }),
      // `at` not first (another writer's key order): read by parsing, and still bounded.
      JSON.stringify({ kind: 'role-halted', reason: 'level 1', at: new Date(T0 + 15_000).toISOString() }),
      JSON.stringify({ kind: 'role-halted', reason: 'level 1', at: new Date(T0 + 40_000).toISOString() }),
      line(20),
      line(30),
      '{"at":"2026-12-01T10:00:25',
      '',
    ].join('\n');
    const bounds = { since: T0 + 10_000, until: T0 + 20_000 };
    const all = nodeJournalEvents('n1', text);
    expect(all.map((e) => (e.at - T0) / 1000)).toEqual([0, 10, 15, 40, 20, 30]);
    const bounded = nodeJournalEvents('n1', text, bounds);
    expect(bounded.map((e) => (e.at - T0) / 1000)).toEqual([10, 15, 40, 20]);
    expect(bounded.filter((e) => matches(e, bounds))).toEqual(all.filter((e) => matches(e, bounds)));
    // Unparsed lines out, the rest as before: matches() still drops the parsed ones out of bounds.
    expect(logEvents({ journals: [{ node: 'n1', text }] }, { since: T0 + 25_000 })[0]).toEqual([
      ev(15),
      ev(40),
      ev(30),
    ]);
  });
  it('takes the supervisor decisions from STATUS.md, one list per source', () => {
    const status = '# F\n\n## Recent decisions\n\n- 2026-12-01 10:05 UTC: dev halted: CI overloaded\n\n## Next\n';
    const lists = logEvents({ journals: [{ node: 'n1', text: undefined }], status });
    expect(lists).toEqual([[], [sup(300, 'dev halted: CI overloaded')]]);
  });
});

describe('mergeLogs and matches', () => {
  const n1 = [ev(0, { role: 'dev' }), ev(20, { role: 'review', repo: 'acme/web' })];
  const n2 = [ev(10, { node: 'n2', role: 'dev' }), ev(20, { node: 'n2', event: 'level-changed' })];
  const s = [sup(5, 'dev moved from n2 to n1'), sup(15, 'review halted on n3: CI overloaded')];
  const run = (f: Parameters<typeof mergeLogs>[1]) =>
    mergeLogs([n2, n1, s], f).map((e) => `${e.at / 1000 - T0 / 1000} ${e.node ?? 'sup'}`);

  it.each([
    {
      situation: 'no filter: by time, ties by node',
      filter: {},
      expected: ['0 n1', '5 sup', '10 n2', '15 sup', '20 n1', '20 n2'],
    },
    { situation: 'a node, and decisions naming it', filter: { node: 'n2' }, expected: ['5 sup', '10 n2', '20 n2'] },
    {
      situation: 'a role: events without one are left out',
      filter: { role: 'dev' },
      expected: ['0 n1', '5 sup', '10 n2'],
    },
    { situation: 'a repository', filter: { repo: 'acme/web' }, expected: ['20 n1'] },
    {
      situation: 'inclusive bounds',
      filter: { since: T0 + 10_000, until: T0 + 15_000 },
      expected: ['10 n2', '15 sup'],
    },
    { situation: 'node and role together', filter: { node: 'n1', role: 'review' }, expected: ['20 n1'] },
  ])('$situation', ({ filter, expected }) => expect(run(filter)).toEqual(expected));

  it('a name matches as a whole word only', () => {
    expect(matches(sup(0, 'dev2 halted'), { role: 'dev' })).toBe(false);
    expect(matches(sup(0, 'dev@acme/web moved'), { role: 'dev' })).toBe(true);
    expect(matches(sup(0, 'moved to n1.'), { node: 'n1' })).toBe(true);
    expect(matches(sup(0, 'moved to n10'), { node: 'n1' })).toBe(false);
  });
});

describe('freshEvents (--follow)', () => {
  it('prints what is new, once; a duplicate line in a journal counts twice', () => {
    const a = ev(0);
    const b = ev(1);
    const first = freshEvents(new Map(), [a, b]);
    expect(first.fresh).toEqual([a, b]);
    const second = freshEvents(first.seen, [a, b, b]);
    expect(second.fresh).toEqual([b]);
    const third = freshEvents(second.seen, [b, b, ev(2)]);
    expect(third.fresh).toEqual([ev(2)]);
  });
  it('a read that misses events (a failed fetch) does not make them new again', () => {
    const first = freshEvents(new Map(), [ev(0), ev(1)]);
    const empty = freshEvents(first.seen, []);
    expect(empty.fresh).toEqual([]);
    expect(freshEvents(empty.seen, [ev(0), ev(1), ev(2)]).fresh).toEqual([ev(2)]);
  });
  it('forgets the oldest past its bound', () => {
    let seen: ReturnType<typeof freshEvents>['seen'] = new Map();
    for (let r = 0; r < 3; r++)
      seen = freshEvents(
        seen,
        Array.from({ length: 2000 }, (_, i) => ev(r * 2000 + i)),
      ).seen;
    expect(seen.size).toBe(5000);
    expect(freshEvents(seen, [ev(0), ev(5999)]).fresh).toEqual([ev(0)]);
  });
});

describe('rendering', () => {
  it('fits 80 columns whatever the lengths, with an ellipsis', () => {
    const long = ev(0, {
      node: 'a-very-long-node-name',
      event: 'agent-runaway-stopped',
      reason: 'x'.repeat(200),
      role: 'dev',
      repo: 'acme/web',
    });
    const line = logLine(long, 80);
    expect(line).toHaveLength(80);
    expect(line.startsWith('12-01 10:00:00 a-very-lo… node agent-runaway… dev@acme/web: xxx')).toBe(true);
    expect(line.endsWith('…')).toBe(true);
    expect(logLine(sup(0, 'dev moved'), 80)).toBe('12-01 10:00:00 -          sup  decision       dev moved');
  });
  it('JSON: ISO time, null node for the supervisor', () => {
    expect(JSON.parse(logJson(sup(0, 'x')))).toEqual({
      at: '2026-12-01T10:00:00.000Z',
      node: null,
      source: 'supervisor',
      event: 'decision',
      reason: 'x',
    });
  });
});

describe('pastTime', () => {
  it.each([
    ['1d', T0 - 86_400_000],
    ['90m', T0 - 5_400_000],
    ['2026-11-30T08:00:00Z', Date.parse('2026-11-30T08:00:00Z')],
  ])('%s', (text, expected) => expect(pastTime(text, T0)).toEqual({ ok: true, at: expected }));
  it('says what it accepts', () => {
    expect(pastTime('soon', T0)).toMatchObject({ ok: false, error: expect.stringContaining('1d') });
    expect(pastTime('1dd', T0)).toMatchObject({ ok: false });
  });
});
