import { describe, expect, it } from 'vitest';
import {
  classifyNode,
  classifyNodes,
  DEFAULT_LIVENESS,
  downAfterMs,
  type NodeSighting,
  type ObserverClock,
} from '../../../src/domain/placement/liveness.js';

const S = 1000;
const MIN = 60 * S;
const BEAT = 30 * S; // suspect after 90 s, down after max(300 s, 120 s) = 300 s
// The observer's monotonic clock: it started watching at 1000 s, has led since 1100 s (well past the 120 s grace).
const CLOCK: ObserverClock = { nowMs: 2000 * S, watchingSinceMs: 1000 * S, leaderSinceMs: 1100 * S };
const node = (silentMs: number, more: Partial<NodeSighting> = {}): NodeSighting => ({
  node: 'vps2',
  changedAtMs: CLOCK.nowMs - silentMs,
  heartbeatMs: BEAT,
  canProbe: true,
  ...more,
});

describe('liveness on the observer monotonic clock', () => {
  const rows: [string, NodeSighting, Partial<ObserverClock>, string, RegExp, boolean][] = [
    ['fresh telemetry', node(10 * S), {}, 'ready', /telemetry 10s ago/, false],
    ['just under three missed beats', node(89 * S), {}, 'ready', /ago/, false],
    ['three missed beats', node(90 * S), {}, 'suspect', /\(3 heartbeats missed\): no new work/, false],
    ['just under the down bound', node(299 * S), {}, 'suspect', /9 heartbeats missed/, false],
    ['past the down bound, not asked yet', node(300 * S), {}, 'suspect', /asking it over SSH/, true],
    [
      'past the down bound, no answer over SSH',
      node(6 * MIN, { probe: 'no-answer' }),
      {},
      'down',
      /no answer over SSH: its slots move/,
      false,
    ],
    ['past the down bound, answers status', node(6 * MIN, { probe: 'answered' }), {}, 'suspect', /^cannot push/, false],
    [
      'past the down bound, no SSH address',
      node(6 * MIN, { canProbe: false }),
      {},
      'down',
      /no SSH address to ask/,
      false,
    ],
    [
      'past the down bound within the grace after taking the lead',
      node(6 * MIN, { probe: 'no-answer' }),
      { leaderSinceMs: CLOCK.nowMs - 60 * S },
      'suspect',
      /leader for only 60s \(grace 2m\): not called down yet/,
      false,
    ],
    [
      'the grace ends: down',
      node(6 * MIN, { probe: 'no-answer' }),
      { leaderSinceMs: CLOCK.nowMs - 120 * S },
      'down',
      /its slots move/,
      false,
    ],
    [
      'a standby has no grace (its classes are only shown)',
      node(6 * MIN, { probe: 'no-answer' }),
      { leaderSinceMs: undefined },
      'down',
      /its slots move/,
      false,
    ],
    [
      'never seen to change: as old as the watch',
      node(0, { changedAtMs: undefined, probe: 'no-answer' }),
      {},
      'down',
      /no telemetry change seen in 17m of watching/,
      false,
    ],
    [
      'never seen, the watch is young: ready',
      node(0, { changedAtMs: undefined }),
      { watchingSinceMs: CLOCK.nowMs - 5 * S },
      'ready',
      /5s ago/,
      false,
    ],
    [
      'a slow heartbeat stretches both bounds',
      node(20 * MIN, { heartbeatMs: 5 * MIN }),
      {},
      'suspect',
      /4 heartbeats missed/,
      false,
    ],
    [
      'a fast heartbeat: down no sooner than 2 min',
      node(100 * S, { heartbeatMs: 1 * S }),
      {},
      'suspect',
      /100 heartbeats missed/,
      false,
    ],
  ];
  it.each(rows)('%s', (_, sighting, clock, cls, reason, probe) => {
    const got = classifyNode(sighting, { ...CLOCK, ...clock });
    expect(got.class).toBe(cls);
    expect(got.reason).toMatch(reason);
    expect(got.probe).toBe(probe);
  });

  it('the down bound is 10 heartbeats, at least 2 minutes and never before suspect', () => {
    expect(downAfterMs(30 * S)).toBe(300 * S);
    expect(downAfterMs(1 * S)).toBe(120 * S);
    expect(downAfterMs(1 * S, { ...DEFAULT_LIVENESS, suspectAfterBeats: 200 })).toBe(200 * S);
  });

  it('classifies every node, by name', () => {
    const got = classifyNodes([node(6 * MIN, { node: 'b', probe: 'no-answer' }), node(S, { node: 'a' })], CLOCK);
    expect(got.map((n) => [n.node, n.class])).toEqual([
      ['a', 'ready'],
      ['b', 'down'],
    ]);
  });
});
