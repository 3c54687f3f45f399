import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/domain/supervisor/status-render.js';
import {
  haltSpansFromStatus,
  journalHaltSpans,
  memorySamples,
} from '../../../src/domain/supervisor/status-telemetry.js';
import type { HaltSpan, StatusInput } from '../../../src/domain/supervisor/status-model.js';

const T = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00Z`);
const line = (to: string, min: number | null) =>
  JSON.stringify({
    from: `2026-03-02T${to}:00Z`,
    to: `2026-03-02T${to}:00Z`,
    samples: 3,
    memAvailableMb: { min, avg: min, max: min },
  });
const event = (at: string, kind: string, role?: string, extra: object = {}) =>
  JSON.stringify({
    at: `2026-03-02T${at}:00Z`,
    kind,
    reason: `${kind} ${role ?? ''}`.trim(),
    ...(role ? { role } : {}),
    ...extra,
  });

describe('memorySamples: history.jsonl and sample.json -> readings', () => {
  it.each([
    [
      'each history line at its end, lowest value',
      { history: `${line('08:00', 900)}\n${line('08:15', 850.5)}\n` },
      [
        [T('08:00'), 900],
        [T('08:15'), 850.5],
      ],
    ],
    [
      'an unmeasured roll-up (null) is skipped, not zero',
      { history: `${line('08:00', null)}\n${line('08:15', 700)}\n` },
      [[T('08:15'), 700]],
    ],
    ['a torn last line is dropped', { history: `${line('08:00', 900)}\n{"from":"2026-03-0` }, [[T('08:00'), 900]]],
    [
      'the latest sample (pretty-printed JSON, epoch ms) is added',
      { sample: JSON.stringify({ at: T('08:20'), memAvailableMb: 640 }, null, 2) },
      [[T('08:20'), 640]],
    ],
    [
      'a sample with memory unmeasured adds nothing',
      { sample: JSON.stringify({ at: T('08:20'), memAvailableMb: null }) },
      [],
    ],
    ['no files, no readings', {}, []],
  ])('%s', (_what, files, expected) => {
    expect(memorySamples({ node: 'vps1', ...files }).map((s) => [s.at, s.availableMb])).toEqual(expected);
    expect(memorySamples({ node: 'vps1', ...files }).every((s) => s.node === 'vps1')).toBe(true);
  });
});

describe('memorySamples: the memory cgroup a node measured against', () => {
  it('carries a cgroup limit from sample.json as a caption; meminfo or no memLimit (an older node) carries none', () => {
    const sample = (memLimit?: object) =>
      JSON.stringify({ at: T('08:20'), memAvailableMb: 150, memTotalMb: 200, ...(memLimit ? { memLimit } : {}) });
    const limited = sample({ source: 'cgroup-v1', path: '/sys/fs/cgroup/memory/node-a', limitMb: 200 });
    expect(memorySamples({ node: 'a', sample: limited })).toEqual([
      { node: 'a', at: T('08:20'), availableMb: 150, limit: 'cgroup-v1 limit 200 MB' },
    ]);
    expect(memorySamples({ node: 'a', sample: sample({ source: 'meminfo' }) })[0]).not.toHaveProperty('limit');
    expect(memorySamples({ node: 'a', sample: sample() })[0]).not.toHaveProperty('limit');
  });
});

describe('journalHaltSpans: role-halted .. role-resumed -> spans', () => {
  it.each<[string, string[], Partial<HaltSpan>[]]>([
    [
      'a halt and its resume',
      [event('08:00', 'role-halted', 'dev'), event('09:00', 'role-resumed', 'dev')],
      [{ role: 'dev', from: T('08:00'), to: T('09:00') }],
    ],
    ['a halt still in force is open', [event('08:00', 'role-halted', 'dev')], [{ role: 'dev', from: T('08:00') }]],
    [
      'a second halt event while halted keeps the first start',
      [
        event('08:00', 'role-halted', 'dev'),
        event('08:30', 'role-halted', 'dev'),
        event('09:00', 'role-resumed', 'dev'),
      ],
      [{ role: 'dev', from: T('08:00'), to: T('09:00') }],
    ],
    ['a resume whose halt was rolled out of the journal is ignored', [event('08:00', 'role-resumed', 'dev')], []],
    [
      'repository-scoped and pressure events are left out',
      [event('08:00', 'role-halted', 'dev', { repo: 'a/b' }), event('08:01', 'level-changed')],
      [],
    ],
    [
      'roles are paired separately',
      [
        event('08:00', 'role-halted', 'dev'),
        event('08:05', 'role-halted', 'review'),
        event('08:10', 'role-resumed', 'review'),
      ],
      [
        { role: 'review', from: T('08:05'), to: T('08:10') },
        { role: 'dev', from: T('08:00') },
      ],
    ],
  ])('%s', (_what, lines, expected) => {
    const spans = journalHaltSpans({ node: 'vps2', journal: `${lines.join('\n')}\n` });
    expect(spans.map(({ role, from, to }) => ({ role, from, ...(to !== undefined ? { to } : {}) }))).toEqual(expected);
    expect(spans.every((s) => s.node === 'vps2')).toBe(true);
  });
});

describe('haltSpansFromStatus: the previous page keeps lifted halts on the chart', () => {
  const now = T('12:07');
  const page = (halts: HaltSpan[]) =>
    renderStatus({
      factory: 'f',
      now,
      roles: [],
      schedule: { roles: {} },
      alarms: [],
      decisions: [],
      memory: [],
      halts,
    } satisfies StatusInput);

  it('reads back every bar; re-rendering from them alone draws the same chart', () => {
    const halts: HaltSpan[] = [
      { role: 'review', from: T('09:00'), to: T('10:00'), reason: 'CI' },
      { role: 'dev', node: 'vps1', from: T('11:00'), reason: 'memory' },
    ];
    const first = page(halts);
    const read = haltSpansFromStatus(first);
    expect(read.map((s) => [s.role, s.node ?? 'all nodes', s.from])).toEqual([
      ['dev', 'vps1', T('11:00')],
      ['review', 'all nodes', T('09:00')],
    ]);
    // an ongoing bar comes back closed at the old window's end: a halt lifted since stays drawn up to then
    const closed = page(read);
    expect(closed).toContain('review');
    expect(closed.match(/:done, 2026-03-02 09:00, 2026-03-02 10:00/)).not.toBeNull();
    expect(page([...read, ...halts])).toBe(first);
  });

  it.each([
    ['no page', undefined],
    ['a page without halts', page([])],
  ])('%s: no spans', (_what, text) => {
    expect(haltSpansFromStatus(text)).toEqual([]);
  });
});
