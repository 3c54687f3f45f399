import { describe, expect, it } from 'vitest';
import type { NodeDecision } from '../../../src/domain/config/state-schema.js';
import { failingSlots } from '../../../src/domain/alerts/agent-failing.js';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import { EMPTY_ALERTS } from '../../../src/domain/alerts/alerts-file.js';
import { planAlerts } from '../../../src/domain/alerts/plan-alerts.js';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
const decision = (node: string, o: Partial<NodeDecision> = {}): NodeDecision => ({
  node,
  level: 0,
  halted: [],
  reason: 'no pressure',
  since: iso(T0 - 3_600_000),
  updatedAt: iso(T0 - 60_000),
  ...o,
});
const exit = (count: number, code = 1) => ({ count, code, at: iso(T0) });
const runaway = (count: number) => ({ count, at: iso(T0), reason: `runaway: ran past 2h (${count} in a row)` });

describe('agent failing: non-zero exits and runaways, per slot', () => {
  it("fires at the rule's count of non-zero exits in a row, not below", () => {
    expect(failingSlots([decision('n1', { exits: { dev: exit(2) } })], 3)).toEqual([]);
    expect(failingSlots([decision('n1', { exits: { dev: exit(3, 2) } })], 3)).toEqual([
      {
        node: 'n1',
        role: 'dev',
        count: 3,
        summary: 'dev on n1 failed 3 runs in a row',
        description: `3 exited non-zero in a row, the last with 2 at ${iso(T0)}`,
      },
    ]);
  });

  it("a repository's slot carries its repo; each slot counts on its own", () => {
    const d = decision('n1', { exits: { 'dev@a/b': exit(4), 'dev@c/d': exit(1), dev: exit(3) } });
    expect(failingSlots([d], 3).map((f) => [f.role, f.repo, f.count])).toEqual([
      ['dev', undefined, 3],
      ['dev', 'a/b', 4],
    ]);
  });

  it('runaways still count; with exits on the same slot the larger streak is taken, not the sum', () => {
    expect(failingSlots([decision('n1', { runaways: { dev: runaway(3) } })], 3).map((f) => f.count)).toEqual([3]);
    const both = failingSlots([decision('n1', { exits: { dev: exit(2, 143) }, runaways: { dev: runaway(2) } })], 3);
    expect(both).toEqual([]);
    const mixed = failingSlots([decision('n1', { exits: { dev: exit(4, 143) }, runaways: { dev: runaway(2) } })], 3);
    expect(mixed).toHaveLength(1);
    expect(mixed[0]!.count).toBe(4);
    expect(mixed[0]!.description).toContain('runaway: ran past 2h (2 in a row)');
  });

  it('through planAlerts: one alert per failing slot, labelled with node, role and repo, and resolved once it succeeds', () => {
    const config = FactoryConfig.parse({
      version: 1,
      name: 'unit',
      roles: { dev: { haltLevel: 1 } },
      nodes: { n1: { roles: ['dev'] } },
      alerts: { receivers: { pager: { type: 'command', command: 'true' } } },
    });
    const base = { config, telemetry: [], halts: [], repos: [{ slug: 'a/b' }], selfNode: 'n1', now: T0 };
    const failing = planAlerts({
      ...base,
      previous: EMPTY_ALERTS,
      nodes: [decision('n1', { exits: { 'dev@a/b': exit(3) } })],
    });
    expect(failing.file.alerts.map((a) => [a.name, a.status, a.labels])).toEqual([
      ['agent-failing', 'firing', { node: 'n1', role: 'dev', repo: 'a/b' }],
    ]);
    const fixed = planAlerts({ ...base, previous: failing.file, nodes: [decision('n1')], now: T0 + 60_000 });
    expect(fixed.file.alerts.filter((a) => a.status === 'firing')).toEqual([]);
  });
});
