import { describe, expect, it } from 'vitest';
import {
  agentsToStop,
  agentStoppedEvent,
  decideAgentStop,
  type AgentsToStopInput,
} from '../../../src/domain/node/agent-stop.js';

const stopPolicy = { stopRunningAtLevel3: true, stopGrace: '30s' };

describe('decideAgentStop', () => {
  it.each([
    {
      situation: 'level 3, the policy stops, nothing stopping, halt files: the sampled processes',
      level: 3,
      policy: stopPolicy,
      stopping: false,
      control: ['halt-files'],
      stop: { by: 'sampled-processes', graceMs: 30_000 },
    },
    {
      situation: 'level 3 with crontab control: the sampled processes too',
      level: 3,
      policy: stopPolicy,
      stopping: false,
      control: ['halt-files', 'crontab'],
      stop: { by: 'sampled-processes', graceMs: 30_000 },
    },
    {
      situation: 'level 3 with the loop: the loop runner stops its own children',
      level: 3,
      policy: { ...stopPolicy, stopGrace: '2s' },
      stopping: false,
      control: ['loop'],
      stop: { by: 'loop-runner', graceMs: 2000 },
    },
    {
      situation: 'level 3 but a stop is still in its grace: no second one',
      level: 3,
      policy: stopPolicy,
      stopping: true,
      control: ['halt-files'],
      stop: undefined,
    },
    {
      situation: 'level 3 and the policy does not stop running agents: halting only',
      level: 3,
      policy: { ...stopPolicy, stopRunningAtLevel3: false },
      stopping: false,
      control: ['loop'],
      stop: undefined,
    },
    {
      situation: 'level 2: running agents finish their work',
      level: 2,
      policy: stopPolicy,
      stopping: false,
      control: ['halt-files'],
      stop: undefined,
    },
    {
      situation: 'level 0: nothing to stop',
      level: 0,
      policy: stopPolicy,
      stopping: false,
      control: ['loop'],
      stop: undefined,
    },
  ])('$situation', ({ level, policy, stopping, control, stop }) => {
    expect(decideAgentStop({ level, policy, stopping, control })).toEqual(stop);
  });
});

const halted =
  (...roles: string[]) =>
  (q: { role: string }) => ({ state: roles.includes(q.role) ? ('halt' as const) : ('run' as const) });
const roles = { dev: { protected: false }, review: { protected: false }, supervisor: { protected: true } };
const found = {
  dev: [{ pid: 100, tree: [100, 101, 102] }],
  review: [
    { pid: 200, tree: [200] },
    { pid: 210, tree: [210, 211] },
  ],
  supervisor: [{ pid: 300, tree: [300, 301] }],
};
const base: AgentsToStopInput = {
  found,
  roles,
  nodeRoles: ['dev', 'review', 'supervisor'],
  stateOf: halted('dev', 'review'),
  self: [42, 1],
};

describe('agentsToStop', () => {
  it.each([
    {
      situation:
        "dev and review halted: their agents are targets; this daemon, its ancestors and the protected supervisor's tree are spared",
      input: base,
      targets: ['dev 100', 'review 200', 'review 210'],
      spared: [1, 42, 300, 301],
    },
    {
      situation: 'only dev halted: review keeps running',
      input: { ...base, stateOf: halted('dev') },
      targets: ['dev 100'],
      spared: [1, 42, 300, 301],
    },
    {
      situation:
        'the supervisor halted by a config that forgot `protected`: still never stopped, its tree still spared',
      input: {
        ...base,
        roles: { ...roles, supervisor: { protected: false } },
        stateOf: halted('dev', 'review', 'supervisor'),
      },
      targets: ['dev 100', 'review 200', 'review 210'],
      spared: [1, 42, 300, 301],
    },
    {
      situation: 'a role marked protected in factory.yaml is spared like the supervisor',
      input: { ...base, roles: { ...roles, review: { protected: true } } },
      targets: ['dev 100'],
      spared: [1, 42, 200, 210, 211, 300, 301],
    },
    {
      situation: 'agents of a role factory.yaml does not know: spared, nothing says they may be stopped',
      input: {
        ...base,
        found: { ...found, mystery: [{ pid: 400, tree: [400] }] },
        nodeRoles: ['dev', 'mystery'],
        stateOf: halted('dev', 'mystery'),
      },
      targets: ['dev 100'],
      spared: [1, 42, 300, 301, 400],
    },
    {
      situation: "a halted role that is not this node's: not stopped here",
      input: { ...base, nodeRoles: ['review', 'supervisor'] },
      targets: ['review 200', 'review 210'],
      spared: [1, 42, 300, 301],
    },
    {
      situation: 'halted roles with nothing running: no target',
      input: { ...base, found: {} },
      targets: [],
      spared: [1, 42],
    },
  ])('$situation', ({ input, targets, spared }) => {
    const chosen = agentsToStop(input);
    expect(chosen.targets.map((t) => `${t.role} ${t.pid}`)).toEqual(targets);
    expect([...chosen.spared].sort((a, b) => a - b)).toEqual(spared);
  });

  it('a target carries its whole tree, for the stop to signal every process of it', () => {
    expect(agentsToStop(base).targets[0]).toEqual({ role: 'dev', pid: 100, tree: [100, 101, 102] });
  });
});

describe('agentStoppedEvent', () => {
  it.each([
    {
      by: 'SIGTERM' as const,
      reason: 'level 3: stopped the running dev agent (pid 100, processes 100 101) by SIGTERM',
    },
    {
      by: 'SIGKILL' as const,
      reason:
        'level 3: stopped the running dev agent (pid 100, processes 100 101) by SIGTERM, then SIGKILL after 2000 ms',
    },
  ])('stopped by $by', ({ by, reason }) => {
    expect(
      agentStoppedEvent({ role: 'dev', pid: 100, pids: [100, 101], by }, 2000, Date.parse('2025-06-01T12:00:00Z')),
    ).toEqual({ at: '2025-06-01T12:00:00.000Z', kind: 'agent-stopped', role: 'dev', reason });
  });
});
