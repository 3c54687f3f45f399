import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measuredSlotPeaks, nextPeaks, peakGrew, PEAK_GROWTH } from '../../../src/domain/placement/learned-peaks.js';
import { measuredMemory } from '../../../src/domain/placement/observed-node.js';

describe("a slot's learned peak", () => {
  it('grows only by 10 % and 32 MiB together; with none stored, 32 MiB is enough', () => {
    expect(peakGrew(undefined, 32)).toBe(true);
    expect(peakGrew(undefined, 31)).toBe(false);
    expect(peakGrew(1000, 1099)).toBe(false);
    expect(peakGrew(1000, 1100)).toBe(true);
    expect(peakGrew(200, 230)).toBe(false); // +15 %, +30 MiB
    expect(peakGrew(200, 232)).toBe(true);
    expect(peakGrew(1000, 900)).toBe(false);
  });

  it('a written peak never shrinks, and each write is a real step up', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1, max: 1 << 20 }), { nil: undefined }),
        fc.integer({ min: 1, max: 1 << 20 }),
        (stored, measured) => {
          const next = nextPeaks(stored === undefined ? {} : { s: stored }, { s: measured }, ['s']);
          const after = next.peaks.s;
          if (stored !== undefined) expect(after).toBeGreaterThanOrEqual(stored);
          if (after !== stored) {
            expect(after).toBe(measured);
            expect(after! - (stored ?? 0)).toBeGreaterThanOrEqual(PEAK_GROWTH.mb);
          }
          expect(next.changed).toBe(after !== stored);
        },
      ),
    );
  });

  it("is its role's one-run figure on the node that runs it; a waiting or arriving slot has none", () => {
    const slot = (node: string | null, more = {}) => ({ node, reason: 'r', candidates: {}, ...more });
    const measured = new Map<string, { perRunMb: Record<string, number> }>([
      ['vps1', { perRunMb: { dev: 700.1, review: 90 } }],
      ['vps2', { perRunMb: { dev: 1200 } }],
    ]);
    expect(
      measuredSlotPeaks(
        {
          slots: {
            'dev@o/a': slot('vps1'),
            'dev@o/b': slot('vps2'),
            'dev@o/c': slot('vps2', { halted: true }),
            'dev@o/d': slot('vps1', { handoff: { from: 'vps2', since: '2026-12-02T08:00:00Z' } }),
            review: slot(null, { halted: true }),
            ci: slot('vps1'),
          },
        },
        measured,
      ),
    ).toEqual({ 'dev@o/a': 701, 'dev@o/b': 1200 });
  });

  it("a repository's slot is charged its own runs where the node measured them apart (none while idle)", () => {
    const slot = (node: string) => ({ node, reason: 'r', candidates: {} });
    const heavy = measuredMemory(
      JSON.stringify({
        agents: {
          dev: {
            count: 2,
            rssMb: 1000,
            repos: { 'o/big': { count: 1, rssMb: 900 }, 'o/small': { count: 1, rssMb: 100 } },
          },
        },
      }),
    );
    expect(heavy.perRunMb).toEqual({ dev: 500, 'dev@o/big': 900, 'dev@o/small': 100 });
    const peaks = measuredSlotPeaks(
      { slots: { 'dev@o/big': slot('vps1'), 'dev@o/small': slot('vps1'), 'dev@o/idle': slot('vps1') } },
      new Map([['vps1', heavy]]),
    );
    expect(peaks).toEqual({ 'dev@o/big': 900, 'dev@o/small': 100 });
  });

  it('keeps the stored peaks of the slots there are and drops the others', () => {
    expect(nextPeaks({ dev: 900, gone: 400 }, {}, ['dev', 'review'])).toEqual({
      peaks: { dev: 900 },
      changed: true,
      decisions: [],
    });
    expect(nextPeaks({ dev: 900 }, { dev: 950, review: 40 }, ['dev', 'review'])).toEqual({
      peaks: { dev: 900, review: 40 },
      changed: true,
      decisions: ['review peak 40 MiB (first measured)'],
    });
  });
});
