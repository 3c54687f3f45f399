import { describe, expect, it } from 'vitest';
import { exitStreaks, nextExitRecord, readExitRecord } from '../../../src/domain/node/exit-streak.js';

const T0 = Date.parse('2026-05-01T10:00:00Z');

describe("a slot's exit record", () => {
  it('counts non-zero exits in a row; a success ends the streak', () => {
    let r = nextExitRecord(undefined, 'dev', 1, T0);
    r = nextExitRecord(r, 'dev', 2, T0 + 1000);
    expect(r).toEqual({ slot: 'dev', count: 2, code: 2, at: new Date(T0 + 1000).toISOString() });
    r = nextExitRecord(r, 'dev', 0, T0 + 2000);
    expect(r.count).toBe(0);
    expect(nextExitRecord(r, 'dev', 1, T0 + 3000).count).toBe(1);
  });

  it('the decision shows only failing slots, in slot order', () => {
    const at = new Date(T0).toISOString();
    expect(
      exitStreaks([
        { slot: 'review', count: 1, code: 3, at },
        { slot: 'dev', count: 0, code: 0, at },
        { slot: 'dev@a/b', count: 2, code: 1, at },
      ]),
    ).toEqual({ 'dev@a/b': { count: 2, code: 1, at }, review: { count: 1, code: 3, at } });
  });

  it('a torn or foreign file is no record', () => {
    expect(readExitRecord(undefined)).toBeUndefined();
    expect(readExitRecord({ slot: 'dev', count: -1, code: 1, at: 'x' })).toBeUndefined();
    expect(readExitRecord({ slot: 'dev', count: 1, code: 1, at: new Date(T0).toISOString(), extra: 1 })).toEqual({
      slot: 'dev',
      count: 1,
      code: 1,
      at: new Date(T0).toISOString(),
    });
  });
});
