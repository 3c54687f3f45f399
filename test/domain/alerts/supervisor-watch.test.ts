import { describe, expect, it } from 'vitest';
import { decideSupervisorWatch, type SupervisorWatchState } from '../../../src/domain/alerts/supervisor-watch.js';

const M = 60_000;
const BOUND = 10 * M;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const watching = (since: number, down?: number): SupervisorWatchState => ({
  sha: A,
  since,
  outbox: [],
  ...(down !== undefined ? { down: { since: down } } : {}),
});

describe('decideSupervisorWatch: (state, lease seen, bound, now) -> state and the alert to raise', () => {
  const rows: [string, SupervisorWatchState | undefined, string | undefined, number, string | undefined][] = [
    ['first look: the age starts at zero, whatever the lease says', undefined, A, 100 * M, undefined],
    ['unchanged, under the bound', watching(0), A, BOUND - 1, undefined],
    ['unchanged for the bound: raised', watching(0), A, BOUND, 'firing'],
    ['a new lease commit: alive', watching(0), B, 30 * M, undefined],
    ['already down and still unchanged: nothing again', watching(0, 0), A, 60 * M, undefined],
    ['down, then the lease moves: resolved', watching(0, 0), B, 60 * M, 'resolved'],
    ['no lease at all for the bound: raised (nobody holds it)', { since: 0, outbox: [] }, undefined, BOUND, 'firing'],
    ['a clock that went back: starts again rather than raise', watching(50 * M), A, 20 * M, undefined],
  ];
  it.each(rows)('%s', (_what, prev, sha, now, raised) => {
    const d = decideSupervisorWatch(prev, sha ? { sha } : {}, BOUND, 'n1', now);
    expect(d.raised?.status).toBe(raised);
    if (raised === 'firing') expect(d.state.down).toEqual({ since: prev!.since });
    if (raised === 'resolved') expect(d.state.down).toBeUndefined();
  });

  it('a firing alert is the same one from every node: one fingerprint, no labels', () => {
    const a = decideSupervisorWatch(watching(0), { sha: A }, BOUND, 'n1', BOUND).raised!;
    const b = decideSupervisorWatch(watching(0), { sha: A }, BOUND, 'n2', BOUND).raised!;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a).toMatchObject({ name: 'supervisor-down', severity: 'critical', labels: {} });
  });
});
