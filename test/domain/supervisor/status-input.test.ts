import { describe, expect, it } from 'vitest';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import type { NodeDecision, Override } from '../../../src/domain/config/state-schema.js';
import { statusInput, type StatusSources } from '../../../src/domain/supervisor/status-input.js';
import { renderStatus } from '../../../src/domain/supervisor/status-render.js';

const MIN = 60_000;
const NOW = Date.parse('2026-03-02T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
// The supervisor role lacks `protected: true`: the rule protects it all the same.
const config = FactoryConfig.parse({
  version: 1,
  name: 'unit',
  roles: { dev: { haltLevel: 1, heavy: true }, review: { haltLevel: 2 }, supervisor: {} },
  nodes: { vps1: { roles: ['dev', 'review', 'supervisor'] }, vps2: { roles: ['dev', 'review'] } },
  policy: { sampleInterval: '5s' },
});
const decision = (node: string, ageMs: number): NodeDecision => ({
  node,
  level: 1,
  halted: ['dev'],
  reason: 'level 1: MemAvailable 900 MB < 2000 MB',
  since: iso(NOW - 20 * MIN),
  updatedAt: iso(NOW - ageMs),
});
const haltAll: Override = {
  role: 'all',
  action: 'halt',
  reason: 'maintenance',
  by: 'alice',
  since: iso(NOW - 5 * MIN),
};
const sources = (s: Partial<StatusSources>): StatusSources => ({
  config,
  overrides: [],
  halts: [],
  nodes: [],
  selfNode: 'vps1',
  schedule: { roles: {} },
  alarms: [],
  decisions: [],
  now: NOW,
  ...s,
});

describe("STATUS.md rows: every role on every node, by the gate's rules", () => {
  const cases: [string, Partial<StatusSources>, string, string, { state: string; source: string }][] = [
    [
      'a live node halts its dev',
      { nodes: [decision('vps2', 30_000)] },
      'vps2',
      'dev',
      { state: 'halt', source: 'node' },
    ],
    [
      'a node silent past its bound (max(10 x 5 s, 2 min)): its halt no longer counts',
      { nodes: [decision('vps2', 10 * MIN)] },
      'vps2',
      'dev',
      { state: 'run', source: 'default' },
    ],
    [
      "... and another node's live halt still does",
      { nodes: [decision('vps1', 30_000), decision('vps2', 10 * MIN)] },
      'vps1',
      'dev',
      { state: 'halt', source: 'node' },
    ],
    [
      'halt all: the unmarked supervisor runs',
      { overrides: [haltAll] },
      'vps1',
      'supervisor',
      { state: 'run', source: 'default' },
    ],
    ['halt all: dev halts', { overrides: [haltAll] }, 'vps1', 'dev', { state: 'halt', source: 'override' }],
  ];
  it.each(cases)('%s', (_name, s, node, role, expected) => {
    const row = statusInput(sources(s)).roles.find((r) => r.node === node && r.role === role);
    expect(row).toMatchObject(expected);
  });

  it('marks a silent node STALE on the page, and draws no ongoing halt bar from its decision', () => {
    const input = statusInput(sources({ nodes: [decision('vps1', 30_000), decision('vps2', 10 * MIN)] }));
    expect(input.halts.filter((h) => h.node === 'vps2')).toEqual([]);
    expect(input.halts.filter((h) => h.node === 'vps1').map((h) => h.role)).toEqual(['dev']);
    const text = renderStatus(input);
    const rows = text.split('\n').filter((l) => /^\| vps\d/.test(l));
    expect(rows.filter((l) => l.includes('| dev |'))).toEqual([
      '| vps1 | dev | **halted** | node | level 1: MemAvailable 900 MB < 2000 MB | 2026-03-02 07:40 UTC |',
      '| vps2 (STALE) | dev | runs | default | no halt in force | - |',
    ]);
    expect(text).toContain(
      `- vps2 STALE: node daemon silent since ${iso(NOW - 10 * MIN)}: its decision (level 1, halting dev) is ignored (stale after 120 s)`,
    );
    expect(text).not.toMatch(/vps1 \(STALE\)|vps1 STALE/);
  });
});
