import { candidatesOf } from '../../../src/domain/placement/candidate-rows.js';
import { describe, expect, it } from 'vitest';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import type { NodeDecision, Override } from '../../../src/domain/config/state-schema.js';
import { parseAssignmentsYaml } from '../../../src/domain/placement/assignments-file.js';
import type { NodeLiveness } from '../../../src/domain/placement/liveness.js';
import {
  placementEnabled,
  planPlacement,
  type PlacementPlanInput,
} from '../../../src/domain/placement/plan-placement.js';
import { planCycle } from '../../../src/domain/supervisor/cycle.js';
import { readStateSnapshot, STATE_PATHS } from '../../../src/domain/supervisor/state-files.js';

const T0 = Date.parse('2026-12-02T08:00:00Z');
const config = (more: Record<string, unknown> = {}) =>
  FactoryConfig.parse({
    version: 1,
    name: 'unit',
    roles: {
      dev: { haltLevel: 1, command: 'dev.sh', peakMemoryMb: 900 },
      review: { haltLevel: 2, command: 'review.sh', peakMemoryMb: 300 },
      supervisor: { protected: true, command: 'supervise' },
    },
    nodes: { big: { roles: ['dev', 'review', 'supervisor'] }, small: { roles: ['dev', 'review'] } },
    policy: { levels: { '1': { memAvailableMb: { halt: 200, resume: 300 } } } },
    ...more,
  });
const sample = (availMb: number, totalMb: number, agents?: Record<string, { count: number; rssMb: number }>) =>
  JSON.stringify({ at: T0, memAvailableMb: availMb, memTotalMb: totalMb, agents });
const ready = (node: string): NodeLiveness => ({
  node,
  class: 'ready',
  reason: 'telemetry 5s ago',
  silentMs: 5000,
  probe: false,
});
const down = (node: string): NodeLiveness => ({
  node,
  class: 'down',
  reason: 'silent 3m, no answer over SSH',
  silentMs: 180_000,
  probe: false,
});
const decision = (node: string, halted: string[], level = 1): NodeDecision => ({
  node,
  level,
  halted,
  reason: 'MemAvailable 150 MB < 200 MB',
  since: '2026-12-02T07:59:00Z',
  updatedAt: '2026-12-02T07:59:30Z',
});

const base = (more: Partial<PlacementPlanInput> = {}): PlacementPlanInput => ({
  config: config(),
  repos: [],
  previous: { slots: {} },
  overrides: [],
  halts: [],
  decisions: [],
  samples: new Map([
    ['big', sample(2000, 4096)],
    ['small', sample(1500, 2048)],
  ]),
  observed: { liveness: [ready('big'), ready('small')] },
  now: T0,
  ...more,
});

describe('placement in the supervisor cycle', () => {
  it('is on with two named nodes (auto), off with one, and as configured otherwise', () => {
    expect(placementEnabled(config())).toBe(true);
    expect(placementEnabled(config({ nodes: { solo: { roles: ['dev'] }, default: { roles: ['dev'] } } }))).toBe(false);
    expect(placementEnabled(config({ supervisor: { placement: { mode: 'off' } } }))).toBe(false);
    expect(
      placementEnabled(config({ nodes: { solo: { roles: ['dev'] } }, supervisor: { placement: { mode: 'on' } } })),
    ).toBe(true);
  });

  it('spreads by headroom: the heavy slot goes to the node with room; protected roles are not placed', () => {
    const p = planPlacement(base());
    expect(p.assignments.slots.dev!.node).toBe('big');
    expect(p.assignments.slots.review!.node).toBe('small');
    expect(p.assignments.slots.supervisor).toBeUndefined();
    expect(p.changed).toBe(true);
    expect(p.kick).toEqual(['big', 'small']);
    expect(p.decisions).toEqual([expect.stringMatching(/^dev on big: /), expect.stringMatching(/^review on small: /)]);
  });

  it('the same inputs again change nothing: scores that drift do not rewrite the file', () => {
    const first = planPlacement(base());
    const again = planPlacement(
      base({
        previous: first.assignments,
        now: T0 + 60_000,
        samples: new Map([
          ['big', sample(1950, 4096)],
          ['small', sample(1520, 2048)],
        ]),
      }),
    );
    expect(again.changed).toBe(false);
    expect(again.kick).toEqual([]);
    expect(again.decisions).toEqual([]);
  });

  it("a node's own level-1 halt cordons it for dev: its dev slot moves, and both nodes are kicked", () => {
    const first = planPlacement(base());
    const p = planPlacement(base({ previous: first.assignments, decisions: [decision('big', ['dev'])] }));
    expect(p.assignments.slots.dev).toMatchObject({ node: 'small' });
    expect(candidatesOf(p.candidates, 'dev').big).toEqual({
      excluded: 'dev halted here: level 1: MemAvailable 150 MB < 200 MB',
    });
    expect(p.kick).toEqual(['big', 'small']);
    // The freed room draws review the other way, past the stickiness margin: a swap, both journaled.
    expect(p.decisions).toEqual([
      expect.stringMatching(
        /^dev big -> small \(starts once big has let it go\): moved off big, which no longer qualifies/,
      ),
      expect.stringMatching(
        /^review small -> big \(starts once small has let it go\): moved from small: 1400 MiB more headroom/,
      ),
    ]);
    // A hand-over: small waits for big to apply the move and finish its run, then starts dev.
    expect(p.assignments.slots.dev!.handoff).toEqual({ from: 'big', since: '2026-12-02T08:00:00.000Z' });
    const running = planPlacement(
      base({
        previous: p.assignments,
        now: T0 + 10_000,
        decisions: [{ ...decision('big', ['dev']), placementSeen: '2026-12-02T08:00:00.000Z' }],
        samples: new Map([
          ['big', sample(2000, 4096, { dev: { count: 1, rssMb: 700 } })],
          ['small', sample(1500, 2048)],
        ]),
      }),
    );
    expect(running.assignments.slots.dev!.handoff).toEqual({ from: 'big', since: '2026-12-02T08:00:00.000Z' });
    expect(running.changed).toBe(false);
    const done = planPlacement(
      base({
        previous: running.assignments,
        now: T0 + 20_000,
        decisions: [{ ...decision('big', ['dev']), placementSeen: '2026-12-02T08:00:00.000Z' }],
      }),
    );
    expect(done.assignments.slots.dev!.handoff).toBeUndefined();
    expect(done.decisions).toContain('dev starts on small: big let it go');
    expect(done.kick).toContain('small');
  });

  it('a human halt scoped to a node cordons it; a factory-wide one keeps the slot placed, waiting for the halt to lift', () => {
    const first = planPlacement(base());
    const halt = (node?: string): Override => ({
      role: 'dev',
      ...(node ? { node } : {}),
      action: 'halt',
      reason: 'disk swap',
      by: 'ops',
      since: '2026-12-02T07:00:00Z',
    });
    const scoped = planPlacement(base({ previous: first.assignments, overrides: [halt('big')] }));
    expect(scoped.assignments.slots.dev!.node).toBe('small');
    const wide = planPlacement(base({ previous: first.assignments, overrides: [halt()] }));
    expect(wide.assignments.slots.dev).toMatchObject({ node: 'big' });
    expect(wide.assignments.slots.dev!.halted).toBeUndefined();
    expect(wide.assignments.slots.dev!.reason).toMatch(/^dev is halted factory-wide \(disk swap \(ops\)\)/);
    expect(wide.changed).toBe(false);
  });

  it('a node called down hands its slots over; its class is recorded with since, and the change is a decision', () => {
    const first = planPlacement(base());
    const p = planPlacement(
      base({
        previous: first.assignments,
        now: T0 + 300_000,
        observed: { liveness: [ready('big'), down('small')] },
      }),
    );
    expect(p.assignments.slots.review!.node).toBe('big');
    expect(p.assignments.nodes).toEqual({
      big: { state: 'ready', since: '2026-12-02T08:00:00.000Z' },
      small: { state: 'down', since: '2026-12-02T08:05:00.000Z' },
    });
    expect(p.decisions[0]).toBe('node small down: silent 3m, no answer over SSH');
    expect(p.decisions[1]).toMatch(/^review small -> big: /);
  });

  it('a peak learned from the samples beats the configured one: a 1,400 MiB dev run fits only the big node', () => {
    const first = planPlacement(base());
    expect(first.assignments.peaks).toBeUndefined();
    const p = planPlacement(base({ previous: { ...first.assignments, peaks: { dev: 1400 } } }));
    expect(p.assignments.slots.dev!.node).toBe('big');
    expect(candidatesOf(p.candidates, 'dev').big).toEqual({ score: 2000 - 1400 - 200 });
    expect(candidatesOf(p.candidates, 'dev').small).toMatchObject({ excluded: expect.any(String) });
    expect(p.assignments.peaks).toEqual({ dev: 1400 });
    expect(p.changed).toBe(false);
  });

  it("a slot's peak is learned from the node that runs it, and written only when it grows by 10 % and 32 MiB", () => {
    const first = planPlacement(base());
    const running = (node: string, devMb: number, reviewMb?: number) =>
      new Map([
        ['big', sample(2000, 4096, node === 'big' ? { dev: { count: 1, rssMb: devMb } } : {})],
        [
          'small',
          sample(
            1500,
            2048,
            node === 'small' ? { dev: { count: 2, rssMb: 2 * devMb } } : { review: { count: 1, rssMb: reviewMb ?? 0 } },
          ),
        ],
      ]);
    // dev runs on big: a dev run seen on small belongs to no slot of this factory's.
    const seen = planPlacement(base({ previous: first.assignments, samples: running('big', 1000.2, 250) }));
    expect(seen.assignments.peaks).toEqual({ dev: 1001, review: 250 });
    expect(seen.changed).toBe(true);
    expect(seen.decisions).toEqual(['dev peak 1001 MiB (first measured)', 'review peak 250 MiB (first measured)']);
    const elsewhere = planPlacement(base({ previous: first.assignments, samples: running('small', 1000) }));
    expect(elsewhere.assignments.peaks).toBeUndefined();
    expect(elsewhere.decisions.filter((d) => / peak \d+ MiB \(/.test(d))).toEqual([]);
    // +9 %: kept in the file as it was, no commit.
    const small = planPlacement(base({ previous: seen.assignments, samples: running('big', 1090, 250) }));
    expect(small.changed).toBe(false);
    expect(small.assignments.peaks).toEqual({ dev: 1001, review: 250 });
    // review +12 % but only +30 MiB: no commit either.
    const few = planPlacement(base({ previous: seen.assignments, samples: running('big', 900, 280) }));
    expect(few.changed).toBe(false);
    const grown = planPlacement(base({ previous: seen.assignments, samples: running('big', 1102, 250) }));
    expect(grown.changed).toBe(true);
    expect(grown.assignments.peaks).toEqual({ dev: 1102, review: 250 });
    expect(grown.decisions).toEqual(['dev peak 1102 MiB (was 1001 MiB)']);
  });

  it('planCycle writes assignments.yaml with the decisions in the commit message, and only when it changes', () => {
    const files = new Map<string, string | undefined>();
    const observed = {
      repos: [],
      targets: {},
      nodes: [],
      telemetry: [
        { node: 'big', sample: sample(2000, 4096) },
        { node: 'small', sample: sample(1500, 2048) },
      ],
      placement: { liveness: [ready('big'), ready('small')] },
    };
    const plan = planCycle({
      config: config(),
      state: readStateSnapshot(files),
      observed,
      now: T0,
      selfNode: 'big',
      epoch: 4,
    });
    const text = plan.changes[STATE_PATHS.assignments]!;
    const parsed = parseAssignmentsYaml(text);
    expect(parsed.ok && parsed.value.epoch).toBe(4);
    expect(parsed.ok && parsed.value.slots.dev!.node).toBe('big');
    expect(plan.message).toMatch(/\n- dev on big: most headroom/);
    expect(plan.placement!.kick).toEqual(['big', 'small']);
    files.set(STATE_PATHS.assignments, text);
    const again = planCycle({
      config: config(),
      state: readStateSnapshot(files),
      observed,
      now: T0 + 60_000,
      selfNode: 'big',
    });
    expect(again.changes[STATE_PATHS.assignments]).toBeUndefined();
  });

  it('a restarted supervisor places by the peak the file keeps, with no run going', () => {
    const files = new Map<string, string | undefined>();
    const observed = (devMb?: number) => ({
      repos: [],
      targets: {},
      nodes: [],
      telemetry: [
        { node: 'big', sample: sample(2000, 4096, devMb ? { dev: { count: 1, rssMb: devMb } } : undefined) },
        { node: 'small', sample: sample(1500, 2048) },
      ],
      placement: { liveness: [ready('big'), ready('small')] },
    });
    const cycle = (now: number, devMb?: number) => {
      const plan = planCycle({
        config: config(),
        state: readStateSnapshot(files),
        observed: observed(devMb),
        now,
        selfNode: 'big',
      });
      const text = plan.changes[STATE_PATHS.assignments];
      if (text !== undefined) files.set(STATE_PATHS.assignments, text);
      return plan;
    };
    cycle(T0);
    const learned = cycle(T0 + 60_000, 1400);
    expect(learned.message).toMatch(/\n- dev peak 1400 MiB \(first measured\)/);
    expect(files.get(STATE_PATHS.assignments)).toMatch(/\npeaks:\n {2}dev: 1400\n/);
    // The process is gone, and its memory with it: only the file on main says what dev needs.
    const restarted = cycle(T0 + 120_000);
    expect(restarted.changes[STATE_PATHS.assignments]).toBeUndefined();
    expect(candidatesOf(restarted.placement!.candidates, 'dev').big).toEqual({ score: 2000 - 1400 - 200 });
    expect(candidatesOf(restarted.placement!.candidates, 'dev').small).toMatchObject({
      excluded: expect.any(String),
    });
  });

  it('an unreadable assignments.yaml is left for a human, with a note', () => {
    const files = new Map<string, string | undefined>([[STATE_PATHS.assignments, 'slots: [oops\n']]);
    const plan = planCycle({
      config: config(),
      state: readStateSnapshot(files),
      observed: { repos: [], targets: {}, nodes: [], placement: { liveness: [ready('big')] } },
      now: T0,
      selfNode: 'big',
    });
    expect(plan.changes[STATE_PATHS.assignments]).toBeUndefined();
    expect(plan.notes.join('\n')).toMatch(/assignments.yaml is unreadable: placement left as it is/);
  });
});
