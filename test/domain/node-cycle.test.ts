import { describe, expect, it } from 'vitest';
import type { Override, SupervisorHalt } from '../../src/domain/config/state-schema.js';
import { assignmentsFor } from '../../src/domain/assignments.js';
import { nodeCycle, type NodeCycle, type NodeCycleInput } from '../../src/domain/node-cycle.js';
import { initialPressureState } from '../../src/domain/pressure/index.js';
import { factory, repo } from '../support/apply-fixture.js';
import { defaultPolicy, M, S, sample, type Reading } from './pressure/pressure-fixtures.js';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const config = factory();
const repos = [repo('o/a', { agents: { dev: { enabled: true } } })];
const policy = defaultPolicy({ hold: '0s', resumeHold: '10s', stabilisation: '10s' });
const HEARTBEAT = 5 * M;

const input = (over: Partial<NodeCycleInput> & { reading?: Reading } = {}): NodeCycleInput => ({
  node: 'n1',
  prev: initialPressureState(),
  sample: sample(over.now ?? T0, over.reading),
  policy,
  roles: config.roles,
  nodeRoles: ['dev', 'review', 'supervisor'],
  assignments: assignmentsFor('n1', config, repos),
  control: { overrides: [], halts: [] },
  prevDecision: undefined,
  prevRoles: undefined,
  lastCommittedAt: undefined,
  heartbeatMs: HEARTBEAT,
  now: T0,
  ...over,
});

/** Runs a cycle, then a second one at `after` ms fed with the first one's records. */
const next = (first: NodeCycle, over: Partial<NodeCycleInput> & { reading?: Reading }, after = 5 * S): NodeCycle =>
  nodeCycle(
    input({
      prev: first.pressure.state,
      prevDecision: first.decision,
      prevRoles: first.roles,
      lastCommittedAt: T0,
      now: T0 + after,
      ...over,
      sample: sample(T0 + after, over.reading),
    }),
  );

const states = (c: NodeCycle) =>
  Object.fromEntries(Object.entries(c.roles).map(([id, s]) => [id, `${s.state}/${s.source}`]));
const halt = (role: string, by: string): SupervisorHalt => ({
  role,
  reason: 'CI queue 40 > 30',
  by,
  since: '2025-06-01T11:00:00.000Z',
});
const pin = (role: string, action: 'halt' | 'run'): Override => ({
  role,
  action,
  reason: 'pinned',
  by: 'alice',
  since: '2025-06-01T11:00:00.000Z',
});

describe('nodeCycle', () => {
  it.each([
    {
      situation: 'healthy machine, first cycle: level 0, everything runs, telemetry committed (nothing known yet)',
      cycle: () => nodeCycle(input()),
      level: 0,
      roles: { dev: 'run/none', review: 'run/none', supervisor: 'run/none', 'dev@o/a': 'run/none' },
      kinds: [],
      commit: 'change',
    },
    {
      situation: 'low memory with hold 0: level 1 at once, dev and its repo agent halted by the node',
      cycle: () => nodeCycle(input({ reading: { mem: 1800 } })),
      level: 1,
      roles: { dev: 'halt/node', review: 'run/none', supervisor: 'run/none', 'dev@o/a': 'halt/node' },
      kinds: ['level-changed', 'role-halted', 'role-halted'],
      commit: 'change',
    },
    {
      situation: 'crisis: level 3 halts every role but the protected supervisor',
      cycle: () => nodeCycle(input({ reading: { mem: 300 } })),
      level: 3,
      roles: { dev: 'halt/node', review: 'halt/node', supervisor: 'run/none', 'dev@o/a': 'halt/node' },
      kinds: ['level-changed', 'role-halted', 'role-halted', 'role-halted'],
      commit: 'change',
    },
    {
      situation: "a human's run override wins over the node's own halt",
      cycle: () => nodeCycle(input({ reading: { mem: 1800 }, control: { overrides: [pin('dev', 'run')], halts: [] } })),
      level: 1,
      roles: { dev: 'run/override', review: 'run/none', supervisor: 'run/none', 'dev@o/a': 'run/override' },
      kinds: ['level-changed'],
      commit: 'change',
    },
    {
      situation: "the supervisor's halt and the node's: the most severe, the supervisor's named first",
      cycle: () =>
        nodeCycle(
          input({
            reading: { mem: 1800 },
            control: { overrides: [], halts: [halt('dev', 'supervisor'), halt('review', 'supervisor')] },
          }),
        ),
      level: 1,
      roles: {
        dev: 'halt/supervisor',
        review: 'halt/supervisor',
        supervisor: 'run/none',
        'dev@o/a': 'halt/supervisor',
      },
      kinds: ['level-changed', 'role-halted', 'role-halted', 'role-halted'],
      commit: 'change',
    },
    {
      situation: 'steady and healthy, committed a moment ago: nothing to commit',
      cycle: () => next(nodeCycle(input()), {}),
      level: 0,
      roles: { dev: 'run/none', review: 'run/none', supervisor: 'run/none', 'dev@o/a': 'run/none' },
      kinds: [],
      commit: false,
    },
    {
      situation: 'steady and healthy, heartbeat interval passed: a heartbeat commit',
      cycle: () => next(nodeCycle(input()), {}, HEARTBEAT),
      level: 0,
      roles: { dev: 'run/none', review: 'run/none', supervisor: 'run/none', 'dev@o/a': 'run/none' },
      kinds: [],
      commit: 'heartbeat',
    },
    {
      situation: 'a human pins a halt on review while the node is healthy: a change without a level change',
      cycle: () => next(nodeCycle(input()), { control: { overrides: [pin('review', 'halt')], halts: [] } }),
      level: 0,
      roles: { dev: 'run/none', review: 'halt/override', supervisor: 'run/none', 'dev@o/a': 'run/none' },
      kinds: ['role-halted'],
      commit: 'change',
    },
    {
      situation: 'memory back but the resume hold not yet over: still level 1, nothing new to say',
      cycle: () => next(nodeCycle(input({ reading: { mem: 1800 } })), { reading: { mem: 6000 } }),
      level: 1,
      roles: { dev: 'halt/node', review: 'run/none', supervisor: 'run/none', 'dev@o/a': 'halt/node' },
      kinds: [],
      commit: false,
    },
  ])('$situation', ({ cycle, level, roles, kinds, commit }) => {
    const c = cycle();
    expect(c.decision.level).toBe(level);
    expect(states(c)).toEqual(roles);
    expect(c.events.map((e) => e.kind)).toEqual(kinds);
    expect(c.commit).toBe(commit);
    expect(c.decision.node).toBe('n1');
  });

  it("releases level 1 after the resume hold and the stabilisation, journals the resume, keeps the level's since", () => {
    const halted = nodeCycle(input({ reading: { mem: 1800 } }));
    let c = halted;
    const seen: string[] = [];
    for (let t = 5 * S; t <= 30 * S; t += 5 * S) {
      c = nodeCycle(
        input({
          prev: c.pressure.state,
          prevDecision: c.decision,
          prevRoles: c.roles,
          lastCommittedAt: T0,
          now: T0 + t,
          sample: sample(T0 + t, { mem: 6000 }),
        }),
      );
      seen.push(
        ...c.events.map((e) => `${t / S}s ${e.kind}${e.role ? ` ${e.role}${e.repo ? `@${e.repo}` : ''}` : ''}`),
      );
      if (c.decision.level === 1) expect(c.decision.since).toBe(halted.decision.since);
    }
    expect(c.decision.level).toBe(0);
    expect(seen).toEqual(['15s level-changed', '15s role-resumed dev', '15s role-resumed dev@o/a']);
    expect(c.events).toEqual([]);
  });

  it('treats a failed sample as missing: no halt engages, an engaged one is held', () => {
    const none = nodeCycle(input({ sample: undefined }));
    expect(none.decision.level).toBe(0);
    const held = next(nodeCycle(input({ reading: { mem: 1800 } })), {});
    const failed = nodeCycle(
      input({
        prev: held.pressure.state,
        prevDecision: held.decision,
        prevRoles: held.roles,
        now: T0 + 10 * S,
        sample: undefined,
        lastCommittedAt: T0,
      }),
    );
    expect(failed.decision.level).toBe(1);
    expect(failed.decision.halted).toEqual(['dev']);
  });
});
