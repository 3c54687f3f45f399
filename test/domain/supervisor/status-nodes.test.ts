import { describe, expect, it } from 'vitest';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import type { NodeDecision } from '../../../src/domain/config/state-schema.js';
import { renderAssignmentsYaml, type Assignments } from '../../../src/domain/placement/assignments-file.js';
import { planCycle } from '../../../src/domain/supervisor/cycle.js';
import { readStateSnapshot, STATE_PATHS } from '../../../src/domain/supervisor/state-files.js';
import { statusInput, type StatusSources } from '../../../src/domain/supervisor/status-input.js';
import { headroomBar, statusNodes } from '../../../src/domain/supervisor/status-nodes.js';
import { renderStatus } from '../../../src/domain/supervisor/status-render.js';
import { statusWriteDue } from '../../../src/domain/supervisor/status-write.js';

const NOW = Date.parse('2026-12-02T08:00:00Z');
const config = FactoryConfig.parse({
  version: 1,
  name: 'unit',
  roles: { dev: { haltLevel: 1, heavy: true }, review: { haltLevel: 2 }, supervisor: { protected: true } },
  nodes: { vps1: { roles: ['dev', 'review', 'supervisor'] }, vps2: { roles: ['dev', 'review'] } },
  policy: { levels: { '1': { memAvailableMb: { halt: 1000, resume: 1200 } } } },
});
const placed: Assignments = {
  decidedAt: '2026-12-02T07:58:00Z',
  slots: {
    'dev@o/a': { node: 'vps2', reason: 'most headroom after placement', candidates: { vps2: { score: 2000 } } },
    review: { node: 'vps1', reason: 'most headroom after placement', candidates: { vps1: { score: 900 } } },
    'dev@o/b': { node: 'vps2', reason: 'most headroom after placement', candidates: {} },
  },
  nodes: {
    vps1: { state: 'ready', since: '2026-12-02T06:00:00Z' },
    vps2: { state: 'suspect', since: '2026-12-02T07:55:00Z' },
  },
};
const decision = (node: string): NodeDecision => ({
  node,
  level: 0,
  halted: [],
  reason: 'all clear',
  since: '2026-12-02T06:00:00Z',
  updatedAt: '2026-12-02T07:59:50Z',
});
const sample = (avail: number, total: number) =>
  JSON.stringify({ at: NOW, memAvailableMb: avail, memTotalMb: total, disks: [] });
const sources = (s: Partial<StatusSources>): StatusSources => ({
  config,
  overrides: [],
  halts: [],
  nodes: [decision('vps1'), decision('vps2')],
  selfNode: 'vps1',
  schedule: { roles: {} },
  alarms: [],
  decisions: [],
  now: NOW,
  ...s,
});
const telemetry = (vps1: number, vps2: number) => [
  { node: 'vps1', sample: sample(vps1, 2000) },
  { node: 'vps2', sample: sample(vps2, 4000) },
];

describe("STATUS.md's Nodes section", () => {
  it.each([
    ['half free, the line at a quarter', 1000, 2000, 500, 20, '[#####|####..........]'],
    ['all used: the line still shows', 0, 2000, 500, 20, '[.....|..............]'],
    ['no level-1 memory line: none drawn', 1000, 2000, 0, 10, '[#####.....]'],
    ['a line above the total (a small cgroup): none drawn', 100, 200, 2000, 10, '[#####.....]'],
    ['more free than total (a torn figure) stays in the bar', 3000, 2000, 1000, 10, '[#####|####]'],
  ])('headroomBar: %s', (_what, avail, total, line, width, bar) => {
    expect(headroomBar(avail, total, line, width)).toBe(bar);
  });

  it('a factory without placement: no section, the page unchanged', () => {
    const without = renderStatus(statusInput(sources({ telemetry: telemetry(1500, 3000) })));
    const empty = renderStatus(statusInput(sources({ assignments: { slots: {} }, telemetry: telemetry(1500, 3000) })));
    expect(without).not.toContain('## Nodes');
    expect(empty).toBe(without);
    expect(renderStatus({ ...statusInput(sources({})), nodes: [] })).toBe(renderStatus(statusInput(sources({}))));
  });

  it("each node's state, since, slot count and level-1 line in a table; its memory as a bar", () => {
    const text = renderStatus(statusInput(sources({ assignments: placed, telemetry: telemetry(1520, 3010) })));
    const section = text.slice(text.indexOf('## Nodes'), text.indexOf('## Schedule'));
    expect(section).toContain('| vps1 | ready | 2026-12-02 06:00 UTC | 1 | 1000 MiB free |');
    expect(section).toContain('| vps2 | suspect | 2026-12-02 07:55 UTC | 2 | 1000 MiB free |');
    // 1520 and 3010 MiB free are drawn in 50 MiB buckets: 1500 and 3000.
    expect(section).toMatch(/vps1 {2}\[#{20}\|#{9}\.{10}\] {2}1500 of 2000 MiB free, 500 above level 1/);
    expect(section).toMatch(/vps2 {2}\[#{10}\|#{19}\.{10}\] {2}3000 of 4000 MiB free, 2000 above level 1/);
  });

  it('a node without a sample says so', () => {
    const nodes = statusNodes(config, placed, [], [], 50);
    expect(nodes.map((n) => n.node)).toEqual(['vps1', 'vps2']);
    const text = renderStatus({ ...statusInput(sources({})), nodes });
    expect(text).toContain('vps1  no memory sample yet');
  });

  it('memory moving alone redraws the bars only with the charts (at most hourly); a state or slot change at once', () => {
    const page = (s: Partial<StatusSources>, at = NOW) =>
      renderStatus(statusInput(sources({ assignments: placed, telemetry: telemetry(1500, 3000), now: at, ...s })));
    const old = page({});
    expect(statusWriteDue(old, page({ telemetry: telemetry(1520, 3040) }), NOW + 60_000)).toEqual({ write: false });
    const moved = page({ telemetry: telemetry(600, 3000) }, NOW + 60_000);
    expect(moved).not.toBe(old);
    expect(statusWriteDue(old, moved, NOW + 60_000)).toEqual({ write: false });
    // Past the charts' refresh period (here none), the moved bars are written.
    expect(statusWriteDue(old, moved, NOW + 60_000, 0)).toMatchObject({ write: true, why: 'charts refreshed' });
    const down: Assignments = {
      ...placed,
      nodes: { ...placed.nodes, vps2: { state: 'down', since: '2026-12-02T08:00:00Z' } },
    };
    expect(statusWriteDue(old, page({ assignments: down }), NOW + 60_000)).toMatchObject({
      write: true,
      why: 'status changed',
    });
  });
});

describe('planCycle draws the Nodes section from assignments.yaml on main', () => {
  const cycle = (files: Map<string, string | undefined>) =>
    planCycle({
      config,
      state: readStateSnapshot(files),
      observed: {
        repos: [],
        targets: {},
        nodes: [decision('vps1'), decision('vps2')],
        telemetry: telemetry(1500, 3000),
      },
      now: NOW,
      selfNode: 'vps1',
    });

  it('no assignments.yaml: STATUS.md has no Nodes section; with slots placed: it has one', () => {
    expect(cycle(new Map()).changes[STATE_PATHS.status]).not.toContain('## Nodes');
    const page = cycle(new Map([[STATE_PATHS.assignments, renderAssignmentsYaml(placed)]])).changes[STATE_PATHS.status];
    expect(page).toContain('| vps2 | suspect | 2026-12-02 07:55 UTC | 2 | 1000 MiB free |');
    expect(page).toContain('3000 of 4000 MiB free, 2000 above level 1');
  });
});
