import { describe, expect, it } from 'vitest';
import { updateSightings } from '../../../src/domain/placement/sightings.js';

describe('sightings: when the observer last saw each node telemetry tip change, on its own clock', () => {
  it.each([
    ['a tip first seen has no change time (its age is unknown)', new Map(), [['a', 's1']], { a: { sha: 's1' } }],
    [
      'an unchanged tip keeps its change time',
      new Map([['a', { sha: 's1', changedAtMs: 100 }]]),
      [['a', 's1']],
      { a: { sha: 's1', changedAtMs: 100 } },
    ],
    [
      'a new tip is a change, dated now',
      new Map([['a', { sha: 's1', changedAtMs: 100 }]]),
      [['a', 's2']],
      { a: { sha: 's2', changedAtMs: 500 } },
    ],
    [
      'a branch missing from this read stays as last seen',
      new Map([['a', { sha: 's1', changedAtMs: 100 }]]),
      [],
      { a: { sha: 's1', changedAtMs: 100 } },
    ],
  ] as const)('%s', (_s, prev, tips, want) => {
    const next = updateSightings(new Map(prev), new Map(tips as unknown as [string, string][]), 500);
    expect(Object.fromEntries(next)).toEqual(want);
  });
});
