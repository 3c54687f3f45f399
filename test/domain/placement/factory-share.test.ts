import { describe, expect, it } from 'vitest';
import { factoryShare } from '../../../src/domain/placement/factory-share.js';
import type { AssignedSlots } from '../../../src/domain/placement/slot-owner.js';

type Slots = Record<string, string | null | { from: string; to: string }>;
const placed = (slots: Slots): AssignedSlots => ({
  decidedAt: '2026-12-02T10:00:00Z',
  slots: Object.fromEntries(
    Object.entries(slots).map(([id, n]) => [
      id,
      n !== null && typeof n === 'object'
        ? { node: n.to, reason: 'moving', handoff: { from: n.from } }
        : { node: n, reason: n ? 'most room' : 'no node qualifies', ...(n ? {} : { halted: true }) },
    ]),
  ),
});

describe('factoryShare: each node holds its share of roles.<role>.maxConcurrentFactory', () => {
  const table: { situation: string; slots: Slots; runners?: string[]; node: string; count: number }[] = [
    { situation: 'no placement, one named node', slots: {}, runners: ['vps1'], node: 'vps1', count: 3 },
    { situation: 'no placement, default only', slots: {}, runners: ['default'], node: 'vps1', count: 3 },
    { situation: 'one role-wide slot: all of it where it runs', slots: { review: 'vps1' }, node: 'vps1', count: 3 },
    { situation: 'one role-wide slot: none elsewhere', slots: { review: 'vps1' }, node: 'vps2', count: 0 },
    {
      situation: 'two slots on vps1, one on vps2: 2 and 1',
      slots: { 'review@o/a': 'vps1', 'review@o/b': 'vps2', 'review@o/c': 'vps1' },
      node: 'vps1',
      count: 2,
    },
    {
      situation: 'two slots on vps1, one on vps2: vps2 holds 1',
      slots: { 'review@o/a': 'vps1', 'review@o/b': 'vps2', 'review@o/c': 'vps1' },
      node: 'vps2',
      count: 1,
    },
    {
      situation: 'a slot waiting for a node counts nowhere',
      slots: { 'review@o/a': 'vps1', 'review@o/b': null },
      node: 'vps1',
      count: 3,
    },
    {
      situation: 'a slot in a hand-over counts for neither node (the one it left)',
      slots: { 'review@o/a': 'vps1', 'review@o/b': { from: 'vps1', to: 'vps2' }, 'review@o/c': 'vps2' },
      node: 'vps1',
      count: 2,
    },
    {
      situation: "another role's slots do not count",
      slots: { 'dev@o/a': 'vps2', 'review@o/a': 'vps1' },
      node: 'vps2',
      count: 0,
    },
  ];
  it.each(table)('$situation', ({ slots, runners, node, count }) => {
    expect(factoryShare('review', 3, node, placed(slots), runners ?? ['vps1', 'vps2']).count).toBe(count);
  });

  it('the shares of all nodes add up to the cap, whatever the placement', () => {
    for (let a = 0; a <= 5; a++)
      for (let b = 0; b <= 5; b++) {
        const slots = {
          ...Object.fromEntries(Array.from({ length: a }, (_, i) => [`review@o/a${i}`, 'vps1'])),
          ...Object.fromEntries(Array.from({ length: b }, (_, i) => [`review@o/b${i}`, 'vps2'])),
        };
        if (a + b === 0) continue;
        const total = ['vps1', 'vps2', 'vps3'].reduce(
          (sum, n) => sum + factoryShare('review', 3, n, placed(slots), ['vps1', 'vps2']).count,
          0,
        );
        expect(total, `${a} and ${b} slots`).toBe(3);
      }
  });

  it('says the share and the other nodes', () => {
    const slots = placed({ 'review@o/a': 'vps1', 'review@o/b': 'vps2' });
    expect(factoryShare('review', 3, 'vps1', slots, []).why).toBe("this node's 2 of the factory's 3 (vps2 1)");
  });
});
