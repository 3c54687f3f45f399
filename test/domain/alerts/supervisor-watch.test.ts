import { describe, expect, it } from 'vitest';
import { decideSupervisorWatch, type SupervisorWatchState } from '../../../src/domain/alerts/supervisor-watch.js';

const M = 60_000;
const BOUND = 10 * M;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const watching = (since: number, down?: number): SupervisorWatchState => ({
  sha: A,
  since,
  peers: {},
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
    [
      'no lease at all for the bound: raised (nobody holds it)',
      { since: 0, peers: {}, outbox: [] },
      undefined,
      BOUND,
      'firing',
    ],
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

  it('one page per outage: the live node first by name pages, the others wait, and page if it falls silent too', () => {
    // n0 sorts before n1 and its telemetry moves: n1 leaves the page to it, and never resolves it.
    let n1 = decideSupervisorWatch(undefined, { sha: A }, BOUND, 'n1', 0, { n0: 'x0', n2: 'y0' });
    n1 = decideSupervisorWatch(n1.state, { sha: A }, BOUND, 'n1', 5 * M, { n0: 'x1', n2: 'y0' });
    const down = decideSupervisorWatch(n1.state, { sha: A }, BOUND, 'n1', BOUND + M, { n0: 'x2', n2: 'y0' });
    expect(down.raised).toBeUndefined();
    expect(down.leftTo).toBe('n0');
    // n0 goes quiet too (its tip unchanged for the bound): n1 pages now, once.
    const still = decideSupervisorWatch(down.state, { sha: A }, BOUND, 'n1', BOUND + 5 * M, { n0: 'x2', n2: 'y0' });
    expect(still.raised).toBeUndefined();
    const paged = decideSupervisorWatch(still.state, { sha: A }, BOUND, 'n1', 2 * BOUND + M + 1, { n0: 'x2' });
    expect(paged.raised?.status).toBe('firing');
    const again = decideSupervisorWatch(paged.state, { sha: A }, BOUND, 'n1', 3 * BOUND, { n0: 'x2' });
    expect(again.raised).toBeUndefined();
    expect(decideSupervisorWatch(again.state, { sha: B }, BOUND, 'n1', 3 * BOUND + M).raised?.status).toBe('resolved');
  });

  it('a node that left the page to a peer sends no resolved either; a silent peer first by name is passed over', () => {
    const left = decideSupervisorWatch(watching(0), { sha: A }, BOUND, 'n1', BOUND, { n0: 'x' });
    // n0 was first seen at BOUND: alive on this node's clock, so the page is its.
    expect(left.leftTo).toBe('n0');
    expect(decideSupervisorWatch(left.state, { sha: B }, BOUND, 'n1', BOUND + M, { n0: 'x1' }).raised).toBeUndefined();
    const prev: SupervisorWatchState = { ...watching(0), peers: { n0: { sha: 'x', since: 0 } } };
    expect(decideSupervisorWatch(prev, { sha: A }, BOUND, 'n1', BOUND, { n0: 'x' }).raised?.status).toBe('firing');
  });
});
