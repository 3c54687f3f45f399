import { describe, expect, it } from 'vitest';
import type { NodeDecision, Override, SupervisorHalt } from '../../src/domain/config/state-schema.js';
import { nodeRows, nodeStanding, roleCell, roleGrid, type GridSources } from '../../src/domain/role-grid.js';

const MIN = 60_000;
const NOW = Date.parse('2026-11-25T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const decision = (node: string, ageMs: number, halted = ['dev']): NodeDecision => ({
  node,
  level: 1,
  halted,
  reason: 'MemAvailable 900 MB < 2000 MB',
  since: iso(NOW - 20 * MIN),
  updatedAt: iso(NOW - ageMs),
});
const override = (o: Partial<Override>): Override => ({
  role: 'dev',
  action: 'halt',
  reason: 'human halt',
  by: 'alice',
  since: iso(NOW - 5 * MIN),
  ...o,
});
const halt = (h: Partial<SupervisorHalt>): SupervisorHalt => ({
  role: 'review',
  reason: 'CI queue 14 > 10',
  by: 'supervisor',
  since: iso(NOW - 5 * MIN),
  ...h,
});
// The supervisor is not marked protected: the rule protects it all the same.
const grid = (s: Partial<GridSources> = {}, decisions: NodeDecision[] = []): GridSources => ({
  roles: { dev: {}, review: {}, supervisor: {} },
  nodes: {
    vps1: { roles: ['dev', 'review', 'supervisor'], silenceMs: 2 * MIN },
    default: { roles: ['dev', 'review'] },
  },
  overrides: [],
  halts: [],
  decisions: new Map(decisions.map((d) => [d.node, d])),
  now: NOW,
  ...s,
});

describe('one cell: what the gate answers', () => {
  const cases: [
    string,
    GridSources,
    { role: string; node: string; repo?: string },
    { state: string; source: string },
  ][] = [
    [
      'a live node decision halts dev',
      grid({}, [decision('vps1', 30_000)]),
      { role: 'dev', node: 'vps1' },
      { state: 'halt', source: 'node' },
    ],
    [
      'a node silent past its bound: its decision does not count',
      grid({}, [decision('vps1', 3 * MIN)]),
      { role: 'dev', node: 'vps1' },
      { state: 'run', source: 'none' },
    ],
    [
      'an unlisted node takes the default bound (2 min)',
      grid({}, [decision('vps9', 3 * MIN)]),
      { role: 'dev', node: 'vps9' },
      { state: 'run', source: 'none' },
    ],
    [
      'halt all: the unmarked supervisor runs',
      grid({ overrides: [override({ role: 'all' })] }),
      { role: 'supervisor', node: 'vps1' },
      { state: 'run', source: 'none' },
    ],
    [
      'a supervisor halt of the unmarked supervisor: runs',
      grid({ halts: [halt({ role: 'supervisor' })] }),
      { role: 'supervisor', node: 'vps1' },
      { state: 'run', source: 'none' },
    ],
    [
      'the node halting the unmarked supervisor: runs',
      grid({}, [decision('vps1', 30_000, ['dev', 'supervisor'])]),
      { role: 'supervisor', node: 'vps1' },
      { state: 'run', source: 'none' },
    ],
    [
      'a repository-scoped halt',
      grid({ overrides: [override({ repo: 'acme/web' })] }),
      { role: 'dev', node: 'vps1', repo: 'acme/web' },
      { state: 'halt', source: 'override' },
    ],
  ];
  it.each(cases)('%s', (_name, s, query, expected) => {
    expect(roleCell(query, s)).toMatchObject(expected);
  });

  it("says why a silent node's decision is ignored", () => {
    expect(nodeStanding('vps1', grid({}, [decision('vps1', 30_000)]))).toEqual({
      node: 'vps1',
      decision: decision('vps1', 30_000),
    });
    expect(nodeStanding('vps1', grid({}, [decision('vps1', 3 * MIN)])).stale).toMatch(
      /^node daemon silent since .*: its decision \(level 1, halting dev\) is ignored \(stale after 120 s\)$/,
    );
    expect(nodeStanding('vps2', grid())).toEqual({ node: 'vps2' });
  });
});

describe('the grid: every role on every node, for status and STATUS.md', () => {
  it.each([
    ['named nodes and this one, always', grid(), { node: 'here', always: true }, ['here', 'vps1']],
    ['named nodes only, when this one is not needed', grid(), { node: 'here', always: false }, ['vps1']],
    [
      'this node alone when nothing is named or reported',
      grid({ nodes: { default: { roles: ['dev'] } } }),
      { node: 'here', always: false },
      ['here'],
    ],
    [
      'a node that reported, even silent',
      grid({}, [decision('vps2', 3 * MIN)]),
      { node: 'vps1', always: true },
      ['vps1', 'vps2'],
    ],
  ] as const)('%s', (_name, s, self, nodes) => {
    expect(roleGrid(s, self).nodes.map((n) => n.node)).toEqual(nodes);
  });

  it('a silent node keeps its rows, shown STALE, with its halts lifted; a live one keeps them', () => {
    const { nodes, rows } = roleGrid(grid({}, [decision('vps1', 30_000), decision('vps2', 3 * MIN)]), {
      node: 'vps1',
      always: true,
    });
    expect(nodes.map((n) => [n.node, n.stale !== undefined])).toEqual([
      ['vps1', false],
      ['vps2', true],
    ]);
    expect(rows.map((r) => `${r.node} ${r.role} ${r.state} ${r.source}`)).toEqual([
      'vps1 dev halt node',
      'vps1 review run none',
      'vps1 supervisor run none',
      'vps2 dev run none',
      'vps2 review run none',
    ]);
  });

  it('adds a row per repository a scoped entry names, on the nodes it applies to', () => {
    const s = grid({ overrides: [override({ repo: 'acme/web' })], halts: [halt({ repo: 'acme/api', node: 'vps2' })] });
    expect(nodeRows('vps1', s).map((r) => `${r.role}${r.repo ? ` ${r.repo}` : ''} ${r.state}`)).toEqual([
      'dev run',
      'dev acme/web halt',
      'review run',
      'supervisor run',
    ]);
    expect(nodeRows('vps2', s).map((r) => `${r.role}${r.repo ? ` ${r.repo}` : ''} ${r.state}`)).toEqual([
      'dev run',
      'dev acme/web halt',
      'review run',
      'review acme/api halt',
    ]);
  });
});
