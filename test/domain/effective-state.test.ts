import { describe, expect, it } from 'vitest';
import { effectiveState, type DecisionSources } from '../../src/domain/effective-state.js';
import type { NodeDecision, Override, SupervisorHalt } from '../../src/domain/config/state-schema.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const since = '2026-11-25T10:00:00Z';
const halt = (o: Partial<Override> = {}): Override => ({
  role: 'dev',
  action: 'halt',
  reason: 'human halt',
  by: 'alice',
  since,
  ...o,
});
const sup = (o: Partial<SupervisorHalt> = {}): SupervisorHalt => ({
  role: 'review',
  reason: 'CI queue 14 > 10',
  by: 'supervisor',
  since,
  ...o,
});
const nodeHalts = (halted: string[], node = 'vps1'): NodeDecision => ({
  node,
  level: 1,
  halted,
  reason: 'MemAvailable 1400 MB < 2000 MB for 30s',
  since,
  updatedAt: since,
});
const sources = (s: Partial<DecisionSources>): DecisionSources => ({
  overrides: [],
  halts: [],
  protectedRoles: ['supervisor'],
  ...s,
});

describe('effective state: the override if any, else the most severe of supervisor and node', () => {
  const cases: [
    string,
    { role: string; node?: string; repo?: string },
    Partial<DecisionSources>,
    { state: string; source: string; reason?: RegExp },
  ][] = [
    ['nothing in force', { role: 'dev' }, {}, { state: 'run', source: 'none' }],
    ['a human halt of the role', { role: 'dev' }, { overrides: [halt()] }, { state: 'halt', source: 'override' }],
    [
      'an expired human halt stops counting',
      { role: 'dev' },
      { overrides: [halt({ until: '2026-11-25T11:59:59Z' })] },
      { state: 'run', source: 'none' },
    ],
    [
      'a halt for another node does not apply',
      { role: 'dev' },
      { overrides: [halt({ node: 'vps2' })] },
      { state: 'run', source: 'none' },
    ],
    [
      'a halt for one repository applies to that repository',
      { role: 'dev', repo: 'a/b' },
      { overrides: [halt({ repo: 'a/b' })] },
      { state: 'halt', source: 'override' },
    ],
    [
      '... and not to another',
      { role: 'dev', repo: 'a/c' },
      { overrides: [halt({ repo: 'a/b' })] },
      { state: 'run', source: 'none' },
    ],
    [
      'the supervisor halts review',
      { role: 'review' },
      { halts: [sup()] },
      { state: 'halt', source: 'supervisor', reason: /CI queue/ },
    ],
    [
      'the node halts dev under pressure',
      { role: 'dev' },
      { nodeDecision: nodeHalts(['dev']) },
      { state: 'halt', source: 'node', reason: /MemAvailable/ },
    ],
    [
      "another node's decision does not apply here",
      { role: 'dev' },
      { nodeDecision: nodeHalts(['dev'], 'vps2') },
      { state: 'run', source: 'none' },
    ],
    [
      'supervisor and node both halt: both reasons shown',
      { role: 'review' },
      { halts: [sup()], nodeDecision: nodeHalts(['dev', 'review']) },
      { state: 'halt', source: 'supervisor', reason: /CI queue.*also node vps1: MemAvailable/ },
    ],
    [
      'a pinned run wins over the node and the supervisor',
      { role: 'review' },
      {
        overrides: [halt({ role: 'review', action: 'run', reason: 'demo' })],
        halts: [sup()],
        nodeDecision: nodeHalts(['review']),
      },
      { state: 'run', source: 'override' },
    ],
    [
      'a node-specific pinned run beats a factory-wide halt',
      { role: 'dev' },
      { overrides: [halt(), halt({ action: 'run', node: 'vps1', since: '2026-11-25T09:00:00Z' })] },
      { state: 'run', source: 'override' },
    ],
    [
      'the supervisor role is never halted, whoever asks',
      { role: 'supervisor' },
      {
        overrides: [halt({ role: 'supervisor' })],
        halts: [sup({ role: 'supervisor' })],
        nodeDecision: nodeHalts(['supervisor']),
      },
      { state: 'run', source: 'none' },
    ],
  ];
  it.each(cases)('%s', (_name, query, s, expected) => {
    const result = effectiveState({ node: 'vps1', ...query }, sources(s), NOW);
    expect(result).toMatchObject({ state: expected.state, source: expected.source });
    if (expected.reason) expect(result.reason).toMatch(expected.reason);
  });

  it('shows every layer, whichever wins', () => {
    const result = effectiveState(
      { role: 'review', node: 'vps1' },
      sources({
        overrides: [halt({ role: 'review', action: 'run', reason: 'demo' })],
        halts: [sup()],
        nodeDecision: nodeHalts(['review']),
      }),
      NOW,
    );
    expect(result.layers).toMatchObject({
      override: { state: 'run' },
      supervisor: { state: 'halt' },
      node: { state: 'halt' },
    });
  });
});

describe('the supervisor and the node daemon are protected even when factory.yaml forgets protected: true', () => {
  const unmarked = (s: Partial<DecisionSources>): DecisionSources => ({
    overrides: [],
    halts: [],
    protectedRoles: [],
    ...s,
  });
  const cases: [string, string, Partial<DecisionSources>][] = [
    ['an override of "all"', 'supervisor', { overrides: [halt({ role: 'all' })] }],
    ['an override naming the supervisor', 'supervisor', { overrides: [halt({ role: 'supervisor' })] }],
    ['a supervisor halt of the supervisor', 'supervisor', { halts: [sup({ role: 'supervisor' })] }],
    ["the node's own decision", 'supervisor', { nodeDecision: nodeHalts(['supervisor']) }],
    [
      'all three at once',
      'supervisor',
      {
        overrides: [halt({ role: 'all' })],
        halts: [sup({ role: 'supervisor' })],
        nodeDecision: nodeHalts(['supervisor']),
      },
    ],
    ['an override of "all", for a role named node', 'node', { overrides: [halt({ role: 'all' })] }],
  ];
  it.each(cases)('%s: %s runs, marked protected', (_name, role, s) => {
    const result = effectiveState({ role, node: 'vps1' }, unmarked(s), NOW);
    expect(result).toMatchObject({ state: 'run', source: 'none', protected: true });
  });

  it('an unprotected role under the same override "all" halts', () => {
    const result = effectiveState({ role: 'dev', node: 'vps1' }, unmarked({ overrides: [halt({ role: 'all' })] }), NOW);
    expect(result).toMatchObject({ state: 'halt', source: 'override' });
    expect(result.protected).toBeUndefined();
  });
});
