import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../src/domain/node-cycle.js';
import { planNodeCycle, type CycleMemory, type NodeCyclePlan } from '../../../src/domain/node/plan-cycle.js';
import { nodeSettings } from '../../../src/domain/node/node-settings.js';
import { cycleTelemetry, settleTelemetry } from '../../../src/domain/node/telemetry-commit.js';
import { initialPressureState } from '../../../src/domain/pressure/index.js';
import { factory } from '../../support/apply-fixture.js';
import { sample, type Reading } from '../pressure/pressure-fixtures.js';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const config = factory();
const settings = nodeSettings(
  { ...config, policy: { ...config.policy, hold: '0s' } },
  { node: 'n1', controlDir: '/c', env: {} },
);
const empty: CycleMemory = {
  prev: initialPressureState(),
  prevDecision: undefined,
  prevRoles: undefined,
  lastCommittedAt: undefined,
  rollup: undefined,
  control: { overrides: [], halts: [] },
};
const control = { overrides: [], halts: [] };
const plan = (memory: CycleMemory, now: number, reading?: Reading): NodeCyclePlan =>
  planNodeCycle({
    node: 'n1',
    settings,
    config: { factory: config, repos: [], schedule: {} },
    sample: sample(now, reading),
    control,
    memory,
    stopping: false,
    cron: { controlDir: '/c', node: 'n1', nodeBin: '/usr/bin/node', cli: '/f.js' },
    now,
  });
const noted: JournalEvent = { at: new Date(T0).toISOString(), kind: 'halt', reason: 'halt files: ENOSPC' };

/** The first cycle, committed: the memory a steady second cycle starts from. */
const first = cycleTelemetry({
  node: 'n1',
  plan: plan(empty, T0),
  memory: empty,
  journal: [],
  sample: sample(T0),
  control,
  now: T0,
});
const later = (after: number, journal: JournalEvent[] = [], reading?: Reading) =>
  cycleTelemetry({
    node: 'n1',
    plan: plan(first.memory, T0 + after, reading),
    memory: first.memory,
    journal,
    sample: sample(T0 + after, reading),
    control,
    now: T0 + after,
  });

describe('cycleTelemetry', () => {
  it.each([
    {
      situation: 'first cycle: nothing known yet, a change',
      told: () => first,
      commit: 'change',
      message: 'telemetry n1: level 0: no pressure: every signal within limits',
      kinds: [],
    },
    {
      situation: 'steady, committed 5 s ago: nothing',
      told: () => later(5000),
      commit: false,
      message: undefined,
      kinds: [],
    },
    {
      situation: 'steady, heartbeat due: a heartbeat',
      told: () => later(5 * 60_000),
      commit: 'heartbeat',
      message: 'telemetry n1: heartbeat',
      kinds: [],
    },
    {
      situation: 'steady but a mechanism failed this cycle: the report is a change, journaled',
      told: () => later(5000, [noted]),
      commit: 'change',
      message: 'telemetry n1: level 0: no pressure: every signal within limits',
      kinds: ['halt'],
    },
    {
      situation: 'heartbeat due and a condition reported: still the heartbeat, carrying the journal line',
      told: () => later(5 * 60_000, [noted]),
      commit: 'heartbeat',
      message: 'telemetry n1: heartbeat',
      kinds: ['halt'],
    },
    {
      situation: "memory falls: a change, the noted lines before the cycle's own",
      told: () => later(5000, [noted], { mem: 1800 }),
      commit: 'change',
      message: 'telemetry n1: level 1: level 1: MemAvailable 1800 MB < 2000 MB',
      kinds: ['halt', 'level-changed', 'role-halted'],
    },
  ])('$situation', ({ told, commit, message, kinds }) => {
    const t = told();
    expect(t.commit).toBe(commit);
    expect(t.telemetry?.message).toBe(message);
    expect(t.events.map((e) => e.kind)).toEqual(kinds);
    if (t.telemetry) expect(t.telemetry.update.events).toEqual(t.events);
  });

  it('rolls samples up between commits and hands the roll-up to the commit; remembers when it committed', () => {
    const quiet = later(5000);
    expect(quiet.memory.rollup?.samples).toBe(1);
    expect(quiet.memory.lastCommittedAt).toBe(T0);
    const beat = cycleTelemetry({
      node: 'n1',
      plan: plan(quiet.memory, T0 + 5 * 60_000),
      memory: quiet.memory,
      journal: [],
      sample: sample(T0 + 5 * 60_000),
      control,
      now: T0 + 5 * 60_000,
    });
    expect(beat.telemetry?.update.rollup?.samples).toBe(2);
    expect(beat.memory.rollup).toBeUndefined();
    expect(beat.memory.lastCommittedAt).toBe(T0 + 5 * 60_000);
    expect(beat.memory.prevDecision).toEqual(beat.telemetry?.update.decision);
  });
});

describe('settleTelemetry', () => {
  it.each([
    {
      situation: 'agents stopped after the cycle: their lines, beside the last decision',
      journal: [noted, { ...noted, kind: 'agent-stopped' }],
      memory: first.memory,
      message: 'telemetry n1: halt, agent-stopped',
    },
    { situation: 'nothing noted: nothing to commit', journal: [], memory: first.memory, message: undefined },
    { situation: 'no decision yet: nothing to commit beside', journal: [noted], memory: empty, message: undefined },
  ])('$situation', ({ journal, memory, message }) => {
    const commit = settleTelemetry('n1', journal, memory);
    expect(commit?.message).toBe(message);
    if (commit)
      expect(commit.update).toEqual({
        sample: undefined,
        decision: memory.prevDecision,
        roles: memory.prevRoles,
        events: journal,
        rollup: undefined,
      });
  });
});
