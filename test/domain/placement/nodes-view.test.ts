import { describe, expect, it } from 'vitest';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import type { NodeDecision } from '../../../src/domain/config/state-schema.js';
import type { Assignments } from '../../../src/domain/placement/assignments-file.js';
import { fullestDisk, nodesView, type NodeViewSources } from '../../../src/domain/placement/nodes-view.js';

const NOW = Date.parse('2026-12-02T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const config = FactoryConfig.parse({
  version: 1,
  name: 'unit',
  roles: { dev: { haltLevel: 1, heavy: true }, review: { haltLevel: 2 } },
  nodes: {
    vps1: { roles: ['dev', 'review'], ssh: 'deploy@10.0.0.1', woodpeckerAgent: 7 },
    vps2: {
      roles: ['dev'],
      policy: { levels: { '1': { memAvailableMb: { halt: 800, resume: 1000 } } } },
    },
  },
  policy: { levels: { '1': { memAvailableMb: { halt: 2000, resume: 2500 } } } },
});
const decision = (node: string, level: number, ageMs: number): NodeDecision => ({
  node,
  level,
  halted: level > 0 ? ['dev'] : [],
  reason: level > 0 ? 'level 1: MemAvailable low' : 'all clear',
  since: iso(NOW - 3_600_000),
  updatedAt: iso(NOW - ageMs),
});
const sample = (avail: number | null, total: number, disks: unknown[] = []) =>
  JSON.stringify({ at: NOW, memAvailableMb: avail, memTotalMb: total, disks, load1: 0.5, cores: 2 });
const placed: Assignments = {
  slots: {
    'dev@o/a': { node: 'vps1', reason: 'most headroom', candidates: {} },
    'dev@o/b': { node: 'vps1', halted: true, reason: 'dev halted everywhere', candidates: {} },
    review: { node: null, halted: true, reason: 'no node qualifies', candidates: {} },
    'dev@o/c': { node: 'vps3', reason: 'most headroom', candidates: {} },
  },
  nodes: { vps1: { state: 'ready', since: '2026-12-02T07:00:00Z' }, vps2: { state: 'down', since: iso(NOW) } },
};
const sources = (s: Partial<NodeViewSources>): NodeViewSources => ({ config, telemetry: new Map(), now: NOW, ...s });

describe('nodesView: each machine from factory.yaml, assignments.yaml and its telemetry', () => {
  it('lists the named nodes, those that reported and those assignments.yaml mentions, by name', () => {
    const view = nodesView(sources({ assignments: placed, telemetry: new Map([['vps9', {}]]) }));
    expect(view.map((n) => n.node)).toEqual(['vps1', 'vps2', 'vps3', 'vps9']);
  });

  const cases: [string, Partial<NodeViewSources>, string, Record<string, unknown>][] = [
    [
      'no placement, no telemetry: state unknown, never heard from, the level-1 line from the policy',
      {},
      'vps1',
      { state: 'unknown', level1Mb: 2000, slots: [], halted: [], woodpeckerAgent: 7, ssh: 'deploy@10.0.0.1' },
    ],
    [
      "the leader's class and since when, the slots it gives the node (a halted one stays there)",
      { assignments: placed },
      'vps1',
      { state: 'ready', stateSince: '2026-12-02T07:00:00Z', slots: ['dev@o/a', 'dev@o/b'] },
    ],
    ['a node the leader called down keeps no slots', { assignments: placed }, 'vps2', { state: 'down', slots: [] }],
    [
      'heartbeat: the decision updatedAt and its age; level and halted roles from the decision',
      { telemetry: new Map([['vps1', { decision: decision('vps1', 1, 45_000) }]]) },
      'vps1',
      { heartbeat: iso(NOW - 45_000), heartbeatAgeMs: 45_000, level: 1, halted: ['dev'] },
    ],
    [
      'memory free of total, and the room above the level-1 line',
      { telemetry: new Map([['vps1', { sample: sample(2600, 4000) }]]) },
      'vps1',
      { memAvailableMb: 2600, memTotalMb: 4000, headroomMb: 600 },
    ],
    [
      "below its own level-1 line (the node's policy override): negative room",
      { telemetry: new Map([['vps2', { sample: sample(500, 1000) }]]) },
      'vps2',
      { level1Mb: 800, headroomMb: -300 },
    ],
    [
      'the fullest mount of the sample',
      {
        telemetry: new Map([
          [
            'vps1',
            {
              sample: sample(1000, 4000, [
                { mount: '/', usedPercent: 40, freeMb: 9000 },
                { mount: '/var', usedPercent: 91.5, freeMb: 700 },
              ]),
            },
          ],
        ]),
      },
      'vps1',
      { disk: { mount: '/var', usedPercent: 91.5, freeMb: 700 } },
    ],
    [
      "the Woodpecker agent's no_schedule as the supervisor last saw it",
      { ciAgents: [{ node: 'vps1', agentId: 7, noSchedule: true, why: 'level 2' }] },
      'vps1',
      { woodpeckerAgent: 7, noSchedule: true },
    ],
  ];
  it.each(cases)('%s', (_what, s, node, expected) => {
    expect(nodesView(sources(s)).find((n) => n.node === node)).toMatchObject(expected);
  });

  it('an unmeasured memory figure (null) or a torn sample is no figure, not zero', () => {
    const view = nodesView(
      sources({
        telemetry: new Map([
          ['vps1', { sample: sample(null, 4000) }],
          ['vps2', { sample: '{"memAvail' }],
        ]),
      }),
    );
    expect(view[0]).not.toHaveProperty('memAvailableMb');
    expect(view[0]).not.toHaveProperty('headroomMb');
    expect(view[0]).toMatchObject({ memTotalMb: 4000 });
    expect(view[1]).not.toHaveProperty('memTotalMb');
    expect(view[1]).not.toHaveProperty('disk');
  });

  it.each([
    ['no disks', sample(1, 2, []), undefined],
    ['a disk without figures', sample(1, 2, [{ mount: '/', usedPercent: null, freeMb: 10 }]), undefined],
    ['not JSON', 'nope', undefined],
  ])('fullestDisk: %s', (_what, text, expected) => {
    expect(fullestDisk(text)).toEqual(expected);
  });
});
