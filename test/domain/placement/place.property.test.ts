import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withCandidates } from '../../../src/domain/placement/candidate-rows.js';
import { place as placeRows } from '../../../src/domain/placement/place.js';
import type { PlacementInput, PlacementNode, PlacementSlot } from '../../../src/domain/placement/types.js';
import { input, node, slot } from './place-fixture.js';

/** place(), each slot's candidates put back in it, as assignments.yaml has them. */
const place = (i: PlacementInput) => {
  const r = placeRows(i);
  return { ...r, assignments: withCandidates(r.assignments, r.candidates) };
};

const ROLES = ['dev', 'review', 'docs'];
const labelValue = fc.constantFrom('ssd', 'hdd');

const nodeArb = (name: string) =>
  fc
    .record({
      roles: fc.subarray(ROLES, { minLength: 0 }),
      disk: fc.option(labelValue, { nil: undefined }),
      caps: fc.dictionary(fc.constantFrom(...ROLES), fc.integer({ min: 0, max: 3 }), { maxKeys: 2 }),
      liveness: fc.constantFrom('ready', 'ready', 'ready', 'suspect', 'down') as fc.Arbitrary<
        PlacementNode['liveness']
      >,
      halted: fc.subarray(ROLES, { maxLength: 1 }),
      memAvailableMb: fc.option(fc.integer({ min: 0, max: 16000 }), { nil: undefined, freq: 10 }),
      agentsUsedMb: fc.integer({ min: 0, max: 1000 }),
      level1FreeMb: fc.integer({ min: 0, max: 3000 }),
    })
    .map((r): PlacementNode =>
      node(name, {
        roles: r.roles,
        labels: r.disk ? { disk: r.disk } : {},
        caps: r.caps,
        liveness: r.liveness,
        haltedRoles: Object.fromEntries(r.halted.map((role) => [role, 'pressure'])),
        memAvailableMb: r.memAvailableMb,
        memTotalMb: 16000,
        agentsUsedMb: r.agentsUsedMb,
        level1FreeMb: r.level1FreeMb,
      }),
    );

const scenario = fc
  .record({ nodeCount: fc.integer({ min: 0, max: 8 }), slotCount: fc.integer({ min: 0, max: 30 }) })
  .chain(({ nodeCount, slotCount }) =>
    fc.record({
      nodes: fc.tuple(...Array.from({ length: nodeCount }, (_, i) => nodeArb(`n${i}`))),
      slots: fc.tuple(
        ...Array.from({ length: slotCount }, (_, i) =>
          fc
            .record({
              role: fc.constantFrom(...ROLES),
              peak: fc.integer({ min: 1, max: 4000 }),
              disk: fc.option(labelValue, { nil: undefined, freq: 3 }),
            })
            .map((s): PlacementSlot =>
              slot(`${s.role}@o/r${i}`, s.peak, { role: s.role, nodeSelector: s.disk ? { disk: s.disk } : {} }),
            ),
        ),
      ),
      previous: fc.array(fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }), {
        minLength: slotCount,
        maxLength: slotCount,
      }),
      halted: fc.subarray(ROLES, { maxLength: 1 }),
      margin: fc.integer({ min: 0, max: 2000 }),
      moves: fc.integer({ min: 0, max: 3 }),
    }),
  )
  .map((s): PlacementInput =>
    input(s.slots, s.nodes, {
      previous: {
        slots: Object.fromEntries(
          s.slots.flatMap((sl, i) =>
            s.previous[i] === undefined ? [] : [[sl.id, { node: `n${s.previous[i]}`, reason: 'r', candidates: {} }]],
          ),
        ),
      },
      haltedRoles: Object.fromEntries(s.halted.map((role) => [role, 'supervisor'])),
      policy: { stickinessMarginMb: s.margin, maxMovesPerCycle: s.moves },
    }),
  );

/** A permutation of the same input: order of nodes and slots must not matter. */
const reversed = (i: PlacementInput): PlacementInput => ({
  ...i,
  nodes: [...i.nodes].reverse(),
  slots: [...i.slots].reverse(),
});

describe('placement properties over generated nodes and slots', () => {
  it('never exceeds a cap, never crosses a level-1 line, places only where a node qualifies, and is deterministic', () => {
    let placed = 0;
    let moved = 0;
    fc.assert(
      fc.property(scenario, (inp) => {
        const r = place(inp);
        const nodes = new Map(inp.nodes.map((n) => [n.name, n]));
        const peaks = new Map<string, number>();
        const counts = new Map<string, number>();
        let voluntary = 0;
        for (const s of inp.slots) {
          const a = r.assignments.slots[s.id]!;
          expect(a).toBeDefined();
          if (inp.haltedRoles[s.role] !== undefined) expect(a.reason).toMatch(/halted factory-wide/);
          if (a.halted || a.node === null) continue;
          const n = nodes.get(a.node)!;
          expect(n.roles).toContain(s.role);
          expect(n.haltedRoles[s.role]).toBeUndefined();
          for (const [k, v] of Object.entries(s.nodeSelector)) expect(n.labels[k]).toBe(v);
          const wasHere = inp.previous.slots[s.id]?.node === n.name;
          expect(n.liveness === 'ready' || (n.liveness === 'suspect' && wasHere)).toBe(true);
          placed += 1;
          peaks.set(n.name, (peaks.get(n.name) ?? 0) + s.peakMb);
          counts.set(`${n.name}/${s.role}`, (counts.get(`${n.name}/${s.role}`) ?? 0) + 1);
          if (a.candidates[n.name] === undefined || !('score' in a.candidates[n.name]!)) throw new Error('no score');
        }
        for (const [name, used] of peaks) {
          const n = nodes.get(name)!;
          expect(n.memAvailableMb! + (n.agentsUsedMb ?? 0) - used).toBeGreaterThanOrEqual(n.level1FreeMb);
        }
        for (const [key, count] of counts) {
          const [name, role] = key.split('/') as [string, string];
          const cap = nodes.get(name)!.caps[role];
          if (cap !== undefined) expect(count).toBeLessThanOrEqual(cap);
        }
        for (const m of r.moves) if (!m.forced) voluntary += 1;
        moved += r.moves.length;
        expect(voluntary).toBeLessThanOrEqual(inp.policy.maxMovesPerCycle);
        expect(r.kick).toEqual([...r.kick].sort());
        expect(place(reversed(inp))).toEqual(r);
      }),
      { numRuns: 300 },
    );
    // The generator is not vacuous: it places many slots and moves some.
    expect(placed).toBeGreaterThan(300);
    expect(moved).toBeGreaterThan(30);
  });
});
