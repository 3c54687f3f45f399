import { describe, expect, it } from 'vitest';
import { effectiveState, type DecisionSources } from '../../../src/domain/effective-state.js';
import type { AssignedSlots } from '../../../src/domain/placement/slot-owner.js';
import { parseSlotId, slotId } from '../../../src/domain/slot-id.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const since = '2026-12-02T10:00:00Z';
const placement: AssignedSlots = {
  decidedAt: '2026-12-02T11:00:00Z',
  slots: {
    'dev@o/a': { node: 'vps2', reason: 'most headroom after placement' },
    'dev@o/b': { node: null, reason: 'no node qualifies: vps1 down, vps2 memory' },
    review: { node: 'vps1', reason: 'current node' },
    'dev@o/c': { node: 'vps1', halted: true, reason: 'no node qualifies: vps1 memory' },
    'dev@o/h': { node: 'vps2', reason: 'moved off vps1', handoff: { from: 'vps1' } },
    supervisor: { node: 'vps2', reason: 'a protected role is never halted' },
  },
};
const sources = (s: Partial<DecisionSources> = {}): DecisionSources => ({
  overrides: [],
  halts: [],
  protectedRoles: ['supervisor'],
  assignments: placement,
  ...s,
});
const pin = { role: 'dev', repo: 'o/a', action: 'run' as const, reason: 'pinned', by: 'alice', since };

describe('one place at a time: a slot assigned to another node is halted here', () => {
  it.each([
    ['assigned to this node: runs', { role: 'dev', node: 'vps2', repo: 'o/a' }, sources(), 'run', 'none', 'no halt'],
    [
      'assigned to another node: halted, naming it',
      { role: 'dev', node: 'vps1', repo: 'o/a' },
      sources(),
      'halt',
      'placement',
      'assigned to vps2',
    ],
    [
      'no node qualifies: halted everywhere, with the reason',
      { role: 'dev', node: 'vps2', repo: 'o/b' },
      sources(),
      'halt',
      'placement',
      'waiting for a node: no node qualifies',
    ],
    [
      'arriving from another node: waits on its new node until the old one has let go',
      { role: 'dev', node: 'vps2', repo: 'o/h' },
      sources(),
      'halt',
      'placement',
      'arriving from vps1: waits until it has applied the move and finished its run',
    ],
    [
      'the node it is leaving is refused too',
      { role: 'dev', node: 'vps1', repo: 'o/h' },
      sources(),
      'halt',
      'placement',
      'assigned to vps2',
    ],
    [
      'halted in place: it waits on its own node too',
      { role: 'dev', node: 'vps1', repo: 'o/c' },
      sources(),
      'halt',
      'placement',
      'waiting for a node',
    ],
    [
      "one repository's agent falls back to its role's factory-wide slot",
      { role: 'review', node: 'vps2', repo: 'o/a' },
      sources(),
      'halt',
      'placement',
      'assigned to vps1',
    ],
    [
      'a slot assignments.yaml does not list runs where factory.yaml puts it',
      { role: 'dev', node: 'vps1', repo: 'o/d' },
      sources(),
      'run',
      'none',
      'no halt',
    ],
    [
      "a human's pin to run does not make a slot run on two nodes",
      { role: 'dev', node: 'vps1', repo: 'o/a' },
      sources({ overrides: [pin] }),
      'halt',
      'placement',
      'assigned to vps2',
    ],
    [
      "the pin still holds on the slot's own node",
      { role: 'dev', node: 'vps2', repo: 'o/a' },
      sources({ overrides: [pin] }),
      'run',
      'override',
      'pinned',
    ],
    [
      'a protected role is never halted by placement',
      { role: 'supervisor', node: 'vps1' },
      sources(),
      'run',
      'none',
      'protected role',
    ],
    [
      'no assignments.yaml at all: unchanged',
      { role: 'dev', node: 'vps1', repo: 'o/a' },
      sources({ assignments: { slots: {}, decidedAt: '' } }),
      'run',
      'none',
      'no halt',
    ],
  ] as const)('%s', (_situation, query, s, state, source, reason) => {
    const got = effectiveState(query, s, NOW);
    expect(got.state).toBe(state);
    expect(got.source).toBe(source);
    expect(got.reason).toContain(reason);
  });

  it('slot ids round-trip: "dev", "dev@owner/name"', () => {
    for (const q of [{ role: 'dev' }, { role: 'dev', repo: 'owner/name' }]) expect(parseSlotId(slotId(q))).toEqual(q);
  });
});
