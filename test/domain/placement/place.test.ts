import { describe, expect, it } from 'vitest';
import { parseAssignmentsYaml, renderAssignmentsYaml } from '../../../src/domain/placement/assignments-file.js';
import { withCandidates } from '../../../src/domain/placement/candidate-rows.js';
import { place as placeRows } from '../../../src/domain/placement/place.js';
import type { PlacementInput } from '../../../src/domain/placement/types.js';
import { input, node, previous, slot } from './place-fixture.js';

/** place(), each slot's candidates put back in it, as assignments.yaml has them. */
const place = (i: PlacementInput) => {
  const r = placeRows(i);
  return { ...r, raw: r, assignments: withCandidates(r.assignments, r.candidates) };
};

const where = (r: ReturnType<typeof place>) =>
  Object.fromEntries(Object.entries(r.assignments.slots).map(([id, s]) => [id, s.node]));

describe('placement: filter', () => {
  it.each([
    ['a node that does not run the role', node('a', { roles: ['review'] }), 'does not run dev'],
    ['a down node', node('a', { liveness: 'down', livenessReason: 'silent 12m' }), 'down: silent 12m'],
    ['a suspect node, for a new slot', node('a', { liveness: 'suspect' }), 'suspect, no new work'],
    [
      'a node where dev is halted',
      node('a', { haltedRoles: { dev: 'level 1: MemAvailable 1800 MB < 2000 MB' } }),
      'dev halted here: level 1',
    ],
    ['a node without the selected label', node('a'), 'no label disk=ssd'],
    ['a node with another value of it', node('a', { labels: { disk: 'hdd' } }), 'label disk=hdd, wants ssd'],
    ['a node whose cap is 0', node('a', { caps: { dev: 0 } }), 'cap: 0 of 0 dev slots'],
    ['a node not measured yet', node('a', { memAvailableMb: undefined }), 'memory not measured'],
    ['a node too small for the peak ever', node('a', { memTotalMb: 2400 }), 'too small: 500 MiB peak, 2400 MiB total'],
    [
      'a node where the peak would cross the level-1 line',
      node('a', { memAvailableMb: 2400 }),
      'no room: 2400 MiB free - 500 MiB peak < level-1 line 2000 MiB',
    ],
  ])('excludes %s, and says why', (_, a, why) => {
    const selector: Record<string, string> = why.includes('disk') ? { disk: 'ssd' } : {};
    const r = place(input([slot('dev', 500, { nodeSelector: selector })], [a, node('z', { labels: { disk: 'ssd' } })]));
    expect(r.assignments.slots.dev!.candidates.a).toEqual({ excluded: expect.stringContaining(why) });
    expect(r.assignments.slots.dev!.node).toBe('z');
  });

  it('a slot that fits exactly at the level-1 line qualifies, with score 0', () => {
    const r = place(input([slot('dev', 500)], [node('a', { memAvailableMb: 2500 })]));
    expect(r.assignments.slots.dev).toMatchObject({ node: 'a', candidates: { a: { score: 0 } } });
  });

  it('what its agents held at the sample is given back: a slot is charged its peak once', () => {
    const r = place(input([slot('dev', 500)], [node('a', { memAvailableMb: 2200, agentsUsedMb: 400 })]));
    expect(r.assignments.slots.dev).toMatchObject({ node: 'a', candidates: { a: { score: 100 } } });
  });

  it('caps count the slots placed this pass', () => {
    const r = place(
      input(
        [slot('dev@o/a'), slot('dev@o/b'), slot('review')],
        [node('a', { memAvailableMb: 9000, caps: { dev: 1 } }), node('b')],
      ),
    );
    expect(where(r)).toEqual({ 'dev@o/a': 'a', 'dev@o/b': 'b', review: 'a' });
    expect(r.assignments.slots['dev@o/b']!.candidates.a).toEqual({ excluded: 'cap: 1 of 1 dev slots' });
  });

  it('peaks placed this pass count against the level-1 line', () => {
    // a has room for one 800 MiB slot above its line (1000 MiB), b for none.
    const r = place(
      input(
        [slot('dev@o/a', 800), slot('dev@o/b', 800)],
        [node('a', { memAvailableMb: 3000 }), node('b', { memAvailableMb: 2500 })],
      ),
    );
    expect(where(r)).toEqual({ 'dev@o/a': 'a', 'dev@o/b': null });
    expect(r.assignments.slots['dev@o/b']).toMatchObject({
      halted: true,
      reason: expect.stringMatching(/^no node qualifies: a no room: 2200 MiB free/),
    });
  });
});

describe('placement: score', () => {
  it('spreads by headroom after placement, ties to the first node by name', () => {
    const r = place(input([slot('dev@o/a'), slot('dev@o/b'), slot('dev@o/c')], [node('b'), node('a')]));
    expect(where(r)).toEqual({ 'dev@o/a': 'a', 'dev@o/b': 'b', 'dev@o/c': 'a' });
    expect(r.assignments.slots['dev@o/a']).toMatchObject({
      reason: 'most headroom after placement (1500 MiB above the level-1 line, peak 500 MiB)',
      candidates: { a: { score: 1500 }, b: { score: 1500 } },
    });
    expect(r.assignments.slots['dev@o/c']!.candidates).toEqual({ a: { score: 1000 }, b: { score: 1000 } });
  });

  it('the node with the larger limit gets the heavy slot', () => {
    const r = place(
      input([slot('dev@o/big', 3000), slot('review', 200)], [node('small'), node('large', { memAvailableMb: 12000 })]),
    );
    expect(where(r)).toEqual({ 'dev@o/big': 'large', review: 'large' });
  });

  it('heaviest first, so a light slot never takes the room a heavy one needed', () => {
    // a has 1000 MiB above its line, b 600: "a-light" sorts first by name, but the 800 MiB slot goes first.
    const nodes = [node('a', { memAvailableMb: 3000 }), node('b', { memAvailableMb: 2600 })];
    const r = place(input([slot('dev@o/a-light', 300), slot('dev@o/z-heavy', 800)], nodes));
    expect(where(r)).toEqual({ 'dev@o/a-light': 'b', 'dev@o/z-heavy': 'a' });
  });
});

describe('placement: stickiness and moves', () => {
  const margin = { stickinessMarginMb: 500, maxMovesPerCycle: 2 };

  it('stays on its node while another is better by no more than the margin', () => {
    const r = place(
      input([slot('dev')], [node('a', { memAvailableMb: 3500 }), node('b', { memAvailableMb: 4000 })], {
        previous: previous({ dev: 'a' }),
        policy: margin,
      }),
    );
    expect(r.assignments.slots.dev).toMatchObject({
      node: 'a',
      reason: 'stays on a (1000 MiB above the level-1 line): b better by only 500 MiB (margin 500 MiB)',
    });
    expect(r.moves).toEqual([]);
    expect(r.kick).toEqual([]);
  });

  it('moves when another node is better by more than the margin, and kicks both nodes', () => {
    const r = place(
      input([slot('dev')], [node('a', { memAvailableMb: 3499 }), node('b', { memAvailableMb: 4000 })], {
        previous: previous({ dev: 'a' }),
        policy: margin,
      }),
    );
    expect(r.assignments.slots.dev).toMatchObject({
      node: 'b',
      reason: expect.stringMatching(/^moved from a: 501 MiB more headroom than there \(margin 500 MiB\)/),
    });
    expect(r.moves).toEqual([{ slot: 'dev', from: 'a', to: 'b', forced: false }]);
    expect(r.kick).toEqual(['a', 'b']);
  });

  it('at most maxMovesPerCycle voluntary moves, the heaviest first; the others stay and say why', () => {
    const slots = [slot('dev@o/a', 300), slot('dev@o/b', 400), slot('dev@o/c', 500)];
    const nodes = [node('a', { memAvailableMb: 5000 }), node('b', { memAvailableMb: 20000 })];
    const prev = previous({ 'dev@o/a': 'a', 'dev@o/b': 'a', 'dev@o/c': 'a' });
    const r = place(input(slots, nodes, { previous: prev, policy: { stickinessMarginMb: 100, maxMovesPerCycle: 1 } }));
    expect(where(r)).toEqual({ 'dev@o/a': 'a', 'dev@o/b': 'a', 'dev@o/c': 'b' });
    expect(r.assignments.slots['dev@o/b']!.reason).toMatch(
      /^stays on a: b has \d+ MiB more headroom, but this cycle's 1 moves are spent/,
    );
  });

  it.each([
    ['down', node('a', { liveness: 'down' })],
    ['cordoned for the role', node('a', { haltedRoles: { dev: 'override: disk swap' } })],
    ['short of memory', node('a', { memAvailableMb: 2100 })],
  ])('a node that stops qualifying (%s) hands its slots on, however many, beyond maxMovesPerCycle', (_, a) => {
    const slots = [slot('dev@o/a'), slot('dev@o/b'), slot('dev@o/c')];
    const prev = previous({ 'dev@o/a': 'a', 'dev@o/b': 'a', 'dev@o/c': 'a' });
    const r = place(
      input(slots, [a, node('b', { memAvailableMb: 9000 })], {
        previous: prev,
        policy: { stickinessMarginMb: 0, maxMovesPerCycle: 0 },
      }),
    );
    expect(Object.values(where(r))).toEqual(['b', 'b', 'b']);
    expect(r.moves.every((m) => m.forced && m.from === 'a' && m.to === 'b')).toBe(true);
    expect(r.assignments.slots['dev@o/a']!.reason).toMatch(/^moved off a, which no longer qualifies: most headroom/);
    expect(r.kick).toEqual(['a', 'b']);
  });

  it('a suspect node keeps the slots it has, and gets no new one', () => {
    const nodes = [node('a', { liveness: 'suspect', memAvailableMb: 9000 }), node('b')];
    const r = place(input([slot('dev@o/a'), slot('dev@o/b')], nodes, { previous: previous({ 'dev@o/a': 'a' }) }));
    expect(where(r)).toEqual({ 'dev@o/a': 'a', 'dev@o/b': 'b' });
  });

  it('a slot whose node left factory.yaml moves, forced', () => {
    const r = place(
      input([slot('dev')], [node('b')], {
        previous: previous({ dev: 'gone' }),
        policy: { stickinessMarginMb: 0, maxMovesPerCycle: 0 },
      }),
    );
    expect(r.assignments.slots.dev).toMatchObject({
      node: 'b',
      reason: expect.stringMatching(/^moved off gone, which is not a node any more/),
    });
    expect(r.kick).toEqual(['b']);
  });
});

describe('placement: waiting', () => {
  it('no node qualifies: the slot waits where it is, halted, with every node’s reason', () => {
    const nodes = [node('a', { liveness: 'down' }), node('b', { roles: ['review'] })];
    const r = place(input([slot('dev')], nodes, { previous: previous({ dev: 'a' }) }));
    expect(r.assignments.slots.dev).toEqual({
      node: 'a',
      halted: true,
      reason: 'no node qualifies: a down; b does not run dev',
      candidates: { a: { excluded: 'down' }, b: { excluded: 'does not run dev' } },
    });
    expect(r.kick).toEqual(['a']); // it must stop running there
  });

  it('no node qualifies and it ran nowhere: null', () => {
    const r = place(input([slot('dev')], [node('a', { roles: [] })]));
    expect(r.assignments.slots.dev).toMatchObject({ node: null, halted: true });
    expect(r.kick).toEqual([]);
  });

  it('no node at all', () => {
    expect(place(input([slot('dev')], [])).assignments.slots.dev).toMatchObject({
      node: null,
      halted: true,
      reason: 'no node qualifies: no nodes',
    });
  });

  it('the reason lists eight nodes, the candidates all', () => {
    const nodes = Array.from({ length: 10 }, (_, i) => node(`n${i}`, { roles: [] }));
    const r = place(input([slot('dev')], nodes));
    expect(r.assignments.slots.dev!.reason).toMatch(/n7 does not run dev; and 2 more$/);
    expect(Object.keys(r.assignments.slots.dev!.candidates)).toHaveLength(10);
  });

  it('a factory-wide halt of the role keeps its slots placed, so they run the moment it lifts, and kicks nobody', () => {
    const r = place(
      input([slot('dev'), slot('review')], [node('a'), node('b')], {
        previous: previous({ dev: 'a', review: 'a' }),
        haltedRoles: { dev: 'ci overload (supervisor)' },
      }),
    );
    expect(r.assignments.slots.dev!.node).toBe('a');
    expect(r.assignments.slots.dev!.halted).toBeUndefined();
    expect(r.assignments.slots.dev!.reason).toMatch(
      /^dev is halted factory-wide \(ci overload \(supervisor\)\); when it resumes: stays on a/,
    );
    expect(r.assignments.slots.review!.node).toBe('a');
    expect(r.kick).toEqual([]);
  });

  it('a slot that waited resumes where it was once its node qualifies again, and that node is kicked', () => {
    const r = place(input([slot('dev')], [node('a'), node('b')], { previous: previous({ dev: 'a' }, ['dev']) }));
    expect(r.assignments.slots.dev).toMatchObject({ node: 'a' });
    expect(r.assignments.slots.dev!.halted).toBeUndefined();
    expect(r.kick).toEqual(['a']);
  });

  it('a slot no longer in the config leaves the file, and its node is kicked', () => {
    const r = place(input([], [node('a')], { previous: previous({ 'dev@o/gone': 'a' }) }));
    expect(r.assignments.slots).toEqual({});
    expect(r.kick).toEqual(['a']);
  });
});

describe('placement: the document', () => {
  it('carries the time and epoch, and renders to a file that parses back the same', () => {
    const r = place(
      input([slot('dev'), slot('review', 100)], [node('a'), node('b', { liveness: 'down' })], { epoch: 7 }),
    );
    expect(r.assignments.decidedAt).toBe('2026-12-02T08:00:00Z');
    expect(r.assignments.epoch).toBe(7);
    expect(parseAssignmentsYaml(renderAssignmentsYaml(r.assignments))).toEqual({ ok: true, value: r.assignments });
    // Rendered straight from the pass's candidate rows (as the cycle writes it): the same bytes.
    expect(renderAssignmentsYaml(r.raw.assignments, r.raw.candidates)).toBe(renderAssignmentsYaml(r.assignments));
  });
});
