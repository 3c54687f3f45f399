import { describe, expect, it } from 'vitest';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import type { NodeDecision } from '../../../src/domain/config/state-schema.js';
import { EMPTY_ALERTS } from '../../../src/domain/alerts/alerts-file.js';
import { planAlerts, type AlertsInput } from '../../../src/domain/alerts/plan-alerts.js';

const M = 60_000;
const H = 60 * M;
const T0 = Date.parse('2026-05-01T10:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
const config = FactoryConfig.parse({
  version: 1,
  name: 'unit',
  roles: { dev: { haltLevel: 1 }, review: { haltLevel: 2 }, supervisor: { protected: true } },
  nodes: { n1: { roles: ['dev'] }, n2: { roles: ['dev'] } },
  alerts: { receivers: { pager: { type: 'command', command: 'true' } } },
});
const decision = (node: string, o: Partial<NodeDecision> = {}): NodeDecision => ({
  node,
  level: 0,
  halted: [],
  reason: 'no pressure',
  since: iso(T0 - 5 * H),
  updatedAt: iso(T0 - M),
  ...o,
});
const input = (o: Partial<AlertsInput>): AlertsInput => ({
  config,
  previous: EMPTY_ALERTS,
  nodes: [decision('n1'), decision('n2')],
  telemetry: [],
  halts: [],
  repos: [{ slug: 'a/b' }],
  selfNode: 'n1',
  now: T0,
  ...o,
});
const names = (o: Partial<AlertsInput>) =>
  planAlerts(input(o))
    .file.alerts.map((a) => `${a.name}@${a.labels.node ?? '*'}:${a.status}`)
    .sort();

describe('the rules, each with a default that works unchanged', () => {
  it('node suspect, then down, by the age of its last decision when placement is off (5m heartbeat)', () => {
    expect(names({ nodes: [decision('n1'), decision('n2', { updatedAt: iso(T0 - 20 * M) })] })).toEqual([
      'node-suspect@n2:firing',
    ]);
    expect(names({ nodes: [decision('n1'), decision('n2', { updatedAt: iso(T0 - 2 * H) })] })).toEqual([
      'node-down@n2:firing',
    ]);
  });

  it('a role halted is pending until it has been halted 30 minutes; level 3 fires at once', () => {
    const halted = decision('n2', { level: 1, halted: ['dev'], since: iso(T0 - 10 * M) });
    expect(names({ nodes: [decision('n1'), halted] })).toEqual(['role-halted@n2:pending']);
    const long = { ...halted, since: iso(T0 - 31 * M) };
    expect(names({ nodes: [decision('n1'), long] })).toEqual(['role-halted@n2:firing']);
    const l3 = decision('n1', { level: 3, halted: ['dev', 'review'], since: iso(T0 - 40 * M) });
    expect(names({ nodes: [l3] })).toEqual([
      'node-level-3@n1:firing',
      'role-halted@n1:firing',
      'role-halted@n1:firing',
    ]);
  });

  it('a disk filling 2 %/h towards the 80 % of level 1 fires the forecast before the level', () => {
    const history = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        to: iso(T0 - (12 - i) * 30 * M),
        diskUsedPercentMax: { '/': 60 + i },
        memAvailableMb: { min: 5000 },
      }),
    ).join('\n');
    const sample = JSON.stringify({
      at: T0,
      memAvailableMb: 5000,
      disks: [{ mount: '/', usedPercent: 73, freeMb: 1 }],
    });
    const d = planAlerts(input({ telemetry: [{ node: 'n2', history, sample }] }));
    expect(d.file.alerts.map((a) => [a.name, a.labels.node])).toEqual([['disk-forecast', 'n2']]);
    expect(d.file.alerts[0]!.summary).toMatch(/^n2: disk reaches level 1 in /);
  });

  it('the forge unreachable from the leader node when no repository answers; one that answers is enough', () => {
    expect(names({ repos: [{ slug: 'a/b', error: 'ECONNREFUSED' }] })).toEqual(['forge-unreachable@n1:firing']);
    expect(names({ repos: [{ slug: 'a/b', error: 'HTTP 500' }, { slug: 'c/d' }] })).toEqual([]);
  });

  it("the forge unreachable from a node by its own probes: one alert per failing node, since its decision's since", () => {
    const failing = { ok: false, since: iso(T0 - 10 * M), error: 'http://forge: network error: ECONNREFUSED' };
    const d = planAlerts(
      input({
        nodes: [decision('n1', { forge: { ok: true, since: iso(T0 - H) } }), decision('n2', { forge: failing })],
      }),
    );
    expect(d.file.alerts.map((a) => [a.name, a.labels, a.status, a.description])).toEqual([
      ['forge-unreachable', { node: 'n2' }, 'firing', 'http://forge: network error: ECONNREFUSED'],
    ]);
    expect(d.file.alerts[0]!.summary).toBe('the forge is unreachable from n2');
    // ok again: resolved; a node that probes nothing (no token there) says nothing
    const again = planAlerts(
      input({
        previous: d.file,
        nodes: [decision('n1'), decision('n2', { forge: { ok: true, since: iso(T0) } })],
        now: T0 + M,
      }),
    );
    expect(again.file.alerts.filter((a) => a.status === 'firing')).toEqual([]);
  });

  it("a rule's `for` holds a node's failing forge back until it has failed that long", () => {
    const held = FactoryConfig.parse({
      ...config,
      alerts: { ...config.alerts, rules: [{ signal: 'forge-unreachable', for: '5m' }] },
    });
    const failing = (since: number) =>
      decision('n2', { forge: { ok: false, since: iso(since), error: 'x: HTTP 502' } });
    expect(names({ config: held, nodes: [failing(T0 - 2 * M)] })).toEqual(['forge-unreachable@n2:pending']);
    expect(names({ config: held, nodes: [failing(T0 - 6 * M)] })).toEqual(['forge-unreachable@n2:firing']);
  });

  it("the leader's own view and its node's probes failing are one alert naming both reasons", () => {
    const forge = { ok: false, since: iso(T0 - M), error: 'http://forge: no answer within 5s' };
    const d = planAlerts(
      input({ repos: [{ slug: 'a/b', error: 'ECONNREFUSED' }], nodes: [decision('n1', { forge }), decision('n2')] }),
    );
    expect(d.file.alerts.map((a) => [a.labels.node, a.description])).toEqual([
      ['n1', 'a/b: ECONNREFUSED; http://forge: no answer within 5s'],
    ]);
  });

  it('a foreign forge field in telemetry says nothing', () => {
    const odd = decision('n2', { forge: { ok: 'no', since: 'yesterday' } as never });
    expect(names({ nodes: [decision('n1'), odd] })).toEqual([]);
  });

  it('an agent stopped past maxRuntime 3 runs in a row', () => {
    const runaways = { dev: { count: 3, at: iso(T0), reason: 'past 2h' } };
    expect(names({ nodes: [decision('n1', { runaways })] })).toEqual(['agent-failing@n1:firing']);
  });

  it('the lease changing hands fires on the new holder, for a while', () => {
    const previous = { ...EMPTY_ALERTS, lease: { holder: 'n2', epoch: 4 } };
    const took = planAlerts(input({ previous, epoch: 5 }));
    expect(took.file.lease).toMatchObject({ holder: 'n1', epoch: 5, from: 'n2' });
    expect(took.file.alerts.map((a) => a.summary)).toEqual(['supervisor lease moved from n2 to n1 (epoch 5)']);
    const later = planAlerts(input({ previous: took.file, epoch: 5, nodes: [], now: T0 + H }));
    expect(later.file.alerts.filter((a) => a.status === 'firing')).toEqual([]);
    expect(later.file.lease).toEqual(took.file.lease);
  });

  it('rules can be narrowed: only the listed ones run, with their own bounds', () => {
    const narrow = FactoryConfig.parse({
      ...config,
      alerts: { rules: [{ signal: 'role-halted', for: '5m', name: 'halted-long' }] },
    });
    const halted = decision('n2', { level: 1, halted: ['dev'], since: iso(T0 - 10 * M), updatedAt: iso(T0 - 2 * H) });
    expect(names({ config: narrow, nodes: [halted] })).toEqual(['halted-long@n2:firing']);
  });
});
