import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  lastGoodInFile,
  lastGoodRecord,
  readLastGood,
  type Parsed,
} from '../../../src/adapters/control-repo/last-good.js';

const root = mkdtempSync(join(tmpdir(), 'factoryctl-last-good-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A parse of "n=<number>" texts: anything else fails with a problem; "n=<number>!" parses with a warning-like problem. */
const parser = (text: string) => (): Parsed<number, string> => {
  const m = /^n=(\d+)(!?)$/.exec(text);
  if (!m) return { ok: false, problems: [`bad: ${text}`] };
  return m[2] ? { ok: true, value: Number(m[1]), problems: ['partly bad'] } : { ok: true, value: Number(m[1]) };
};

describe('the last-good mechanism: a JSON record keyed by content', () => {
  // [situation, file content before, key (the text), fallback in memory, expected answer, record kept after]
  const rows: [string, string | undefined, string, number | undefined, object, object | undefined][] = [
    [
      'no file, valid content: parsed and kept',
      undefined,
      'n=1',
      undefined,
      { ok: true, value: 1, cached: false, stale: false, problems: [] },
      { key: 'n=1', value: 1 },
    ],
    [
      'same content again: answered from the record, nothing parsed',
      JSON.stringify({ r: { key: 'n=1', value: 1 } }),
      'n=1',
      undefined,
      { ok: true, value: 1, cached: true, stale: false },
      { key: 'n=1', value: 1 },
    ],
    [
      'new valid content: parsed and kept',
      JSON.stringify({ r: { key: 'n=1', value: 1 } }),
      'n=2',
      undefined,
      { ok: true, value: 2, cached: false },
      { key: 'n=2', value: 2 },
    ],
    [
      'invalid content: the last good value with the problems, record untouched',
      JSON.stringify({ r: { key: 'n=2', value: 2 } }),
      'n=x',
      undefined,
      { ok: true, value: 2, stale: true, problems: ['bad: n=x'] },
      { key: 'n=2', value: 2 },
    ],
    [
      'invalid content, a newer value in memory: that one',
      JSON.stringify({ r: { key: 'n=2', value: 2 } }),
      'n=x',
      7,
      { ok: true, value: 7, stale: true },
      { key: 'n=2', value: 2 },
    ],
    [
      'invalid content and no last good: not ok, the problems',
      undefined,
      'n=x',
      undefined,
      { ok: false, problems: ['bad: n=x'] },
      undefined,
    ],
    [
      'corrupt cache file: ignored, content parsed and kept',
      '{"r": {"key": "n=3", "val',
      'n=3',
      undefined,
      { ok: true, value: 3, cached: false },
      { key: 'n=3', value: 3 },
    ],
    ['corrupt cache file and invalid content: not ok', 'not json', 'n=x', undefined, { ok: false }, undefined],
    [
      'foreign entry (no value): ignored',
      JSON.stringify({ r: { key: 'n=4' } }),
      'n=4',
      undefined,
      { ok: true, value: 4, cached: false },
      { key: 'n=4', value: 4 },
    ],
    [
      'record without a key (older build): a fallback, never a hit',
      JSON.stringify({ r: { source: 'n=5', value: 5 } }),
      'n=5',
      undefined,
      { ok: true, value: 5, cached: false },
      { key: 'n=5', value: 5 },
    ],
    [
      'usable with problems: answered, not kept (reported again after a restart)',
      JSON.stringify({ r: { key: 'n=1', value: 1 } }),
      'n=6!',
      undefined,
      { ok: true, value: 6, cached: false, stale: false, problems: ['partly bad'] },
      { key: 'n=1', value: 1 },
    ],
  ];
  it.each(rows)('%s', async (_, before, text, fallback, answer, kept) => {
    const path = join(mkdtempSync(join(root, 'case-')), 'cache.json');
    if (before !== undefined) writeFileSync(path, before);
    expect(await lastGoodInFile(path, 'r', text, parser(text), fallback)).toMatchObject(answer);
    expect(lastGoodRecord(readLastGood(path), 'r')).toEqual(kept);
  });

  it("keeps the file's other records when it writes one", async () => {
    const path = join(root, 'shared.json');
    writeFileSync(path, JSON.stringify({ other: { key: 'k', value: 'kept' } }));
    await lastGoodInFile(path, 'r', 'n=8', parser('n=8'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      other: { key: 'k', value: 'kept' },
      r: { key: 'n=8', value: 8 },
    });
  });

  it('without a key (always parsed), a clean parse is kept as a fallback', async () => {
    const path = join(root, 'keyless.json');
    expect(await lastGoodInFile(path, 'r', undefined, parser('n=9'))).toMatchObject({
      ok: true,
      value: 9,
      cached: false,
    });
    expect(await lastGoodInFile(path, 'r', undefined, parser('n=9'))).toMatchObject({ cached: false });
    expect(await lastGoodInFile(path, 'r', undefined, parser('broken'))).toMatchObject({
      ok: true,
      value: 9,
      stale: true,
      problems: ['bad: broken'],
    });
  });
});
