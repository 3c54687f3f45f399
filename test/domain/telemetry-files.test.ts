import { describe, expect, it } from 'vitest';
import {
  addToRollup,
  appendBounded,
  historyLine,
  JOURNAL_MAX,
  nextTelemetryFiles,
  TELEMETRY_FILES,
} from '../../src/domain/telemetry-files.js';
import { sample } from './pressure/pressure-fixtures.js';

const decision = {
  node: 'n1',
  level: 1,
  halted: ['dev'],
  reason: 'r',
  since: '2025-06-01T12:00:00.000Z',
  updatedAt: '2025-06-01T12:05:00.000Z',
};

describe('appendBounded', () => {
  it.each([
    { situation: 'empty file', text: undefined, lines: [{ a: 1 }], keep: 3, expected: ['{"a":1}'] },
    {
      situation: 'keeps the last `keep` lines',
      text: '{"a":1}\n{"a":2}\n{"a":3}\n',
      lines: [{ a: 4 }],
      keep: 3,
      expected: ['{"a":2}', '{"a":3}', '{"a":4}'],
    },
    {
      situation: 'drops a torn or foreign line',
      text: '{"a":1}\n{"a":\nnot json\n',
      lines: [{ a: 2 }],
      keep: 5,
      expected: ['{"a":1}', '{"a":2}'],
    },
    { situation: 'nothing to append, nothing kept', text: '', lines: [], keep: 5, expected: [] },
  ])('$situation', ({ text, lines, keep, expected }) => {
    const out = appendBounded(text, lines, keep);
    expect(out === '' ? [] : out.trimEnd().split('\n')).toEqual(expected);
  });
});

describe('roll-up of the samples between two commits', () => {
  it('keeps min, average and max of memory, the worst disk, swap and load, and the highest level', () => {
    let r = addToRollup(undefined, sample(0, { mem: 3000, disk: 50, load1: 1 }), 0);
    r = addToRollup(r, sample(5000, { mem: 1000, disk: 70, swap: 100, load1: 0.5 }), 1);
    r = addToRollup(r, sample(10_000, { mem: NaN, disk: 60 }), 1);
    expect(historyLine(r)).toEqual({
      from: '1970-01-01T00:00:00.000Z',
      to: '1970-01-01T00:00:10.000Z',
      samples: 2,
      memAvailableMb: { min: 1000, avg: 2000, max: 3000 },
      swapUsedMbMax: 100,
      diskUsedPercentMax: { '/': 70 },
      load1Max: 1,
      levelMax: 1,
    });
  });
});

describe('nextTelemetryFiles', () => {
  const current = new Map<string, string | undefined>([
    [TELEMETRY_FILES.journal, Array.from({ length: JOURNAL_MAX }, (_, i) => JSON.stringify({ i })).join('\n')],
    [TELEMETRY_FILES.history, '{"old":1}\n'],
    [TELEMETRY_FILES.sample, '{"last":"sample"}\n'],
  ]);

  it('writes the decision and sample, appends to the bounded journal and history; NaN becomes null', () => {
    const files = nextTelemetryFiles(
      current,
      {
        sample: sample(0, { mem: NaN }),
        decision,
        roles: { dev: { state: 'halt', source: 'node' } },
        events: [{ at: 'x', kind: 'k', reason: 'new' }],
        rollup: addToRollup(undefined, sample(0), 1),
      },
      2,
    );
    expect(JSON.parse(files[TELEMETRY_FILES.decision]!)).toEqual(decision);
    expect(JSON.parse(files[TELEMETRY_FILES.sample]!).memAvailableMb).toBeNull();
    const journal = files[TELEMETRY_FILES.journal]!.trimEnd().split('\n');
    expect(journal).toHaveLength(JOURNAL_MAX);
    expect(JSON.parse(journal.at(-1)!)).toMatchObject({ reason: 'new' });
    const history = files[TELEMETRY_FILES.history]!.trimEnd().split('\n');
    expect(history).toHaveLength(2);
    expect(JSON.parse(history[1]!).levelMax).toBe(1);
  });

  it('keeps the last sample and the history when the sampler gave nothing', () => {
    const files = nextTelemetryFiles(
      current,
      { sample: undefined, decision, roles: {}, events: [], rollup: undefined },
      10,
    );
    expect(files[TELEMETRY_FILES.sample]).toBe('{"last":"sample"}\n');
    expect(files[TELEMETRY_FILES.history]).toBe('{"old":1}\n');
  });
});
