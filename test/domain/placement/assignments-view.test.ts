import { describe, expect, it } from 'vitest';
import { assignmentsView, isWaiting } from '../../../src/domain/placement/assignments-view.js';

describe('assignmentsView: each slot with its candidates ranked', () => {
  const view = assignmentsView({
    decidedAt: '2026-12-02T08:00:00Z',
    epoch: 3,
    slots: {
      review: {
        node: null,
        halted: true,
        reason: 'no node qualifies',
        candidates: { vps2: { excluded: 'review halted here' }, vps1: { excluded: 'down' } },
      },
      'dev@o/a': {
        node: 'vps2',
        reason: 'most headroom after placement',
        candidates: {
          vps1: { score: 1200 },
          vps2: { score: 1830 },
          vps4: { score: 1200 },
          vps3: { excluded: 'suspect: no new work' },
        },
      },
    },
  });

  it('slots by id; scores best first, ties by name; exclusions by name', () => {
    expect(view.decidedAt).toBe('2026-12-02T08:00:00Z');
    expect(view.epoch).toBe(3);
    expect(view.slots.map((s) => s.slot)).toEqual(['dev@o/a', 'review']);
    expect(view.slots[0]).toEqual({
      slot: 'dev@o/a',
      node: 'vps2',
      halted: false,
      reason: 'most headroom after placement',
      candidates: [
        { node: 'vps2', score: 1830 },
        { node: 'vps1', score: 1200 },
        { node: 'vps4', score: 1200 },
      ],
      excluded: [{ node: 'vps3', excluded: 'suspect: no new work' }],
    });
    expect(view.slots[1]!.excluded.map((e) => e.node)).toEqual(['vps1', 'vps2']);
  });

  it.each([
    [{ node: null, halted: false }, true],
    [{ node: 'vps1', halted: true }, true],
    [{ node: 'vps1', halted: false }, false],
  ])('isWaiting(%o) is %s', (slot, expected) => {
    expect(isWaiting(slot)).toBe(expected);
  });

  it('a file without decidedAt or epoch has neither', () => {
    expect(assignmentsView({ slots: {} })).toEqual({ slots: [] });
  });
});
