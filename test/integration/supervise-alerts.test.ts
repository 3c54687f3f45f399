import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { beat, commandReceiverYaml, sentTo } from '../support/alert-nodes.js';
import { startSuperviseFixture, type SuperviseFixture } from '../support/supervise-fixture.js';

const S = 1000;
const M = 60 * S;
const T0 = Date.parse('2026-04-01T08:00:00Z');
const ALERTS = 'factory-state/alerts.yaml';

async function fixture(): Promise<{ fx: SuperviseFixture; sent: string }> {
  const sent = join(mkdtempSync(join(tmpdir(), 'alerts10-')), 'sent.jsonl');
  const fx = await startSuperviseFixture([], (yaml) => `${yaml}\n${commandReceiverYaml(sent)}`);
  return { fx, sent };
}

describe('alerts: telemetry of two nodes on a real git server, a supervisor on a simulated clock', () => {
  let fx: SuperviseFixture;
  let sent: string;
  const supervise = async (at: number, node = 'vps-a', dir = fx.supervisorDir) => {
    fx.clock.at = at;
    const r = await factoryctl(['supervise', '--once', '--now', new Date(at).toISOString()], {
      cwd: dir,
      env: { ...fx.env, FACTORY_NODE: node },
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return r;
  };
  const alertsFile = () =>
    parse(fx.onMain(ALERTS)) as {
      alerts: { name: string; status: string; labels: Record<string, string>; mutedBy?: string }[];
      outbox: unknown[];
    };
  const nodeDown = () => sentTo(sent).filter((n) => n.groupKey.includes('"node-down"'));

  beforeAll(async () => {
    ({ fx, sent } = await fixture());
  });
  afterAll(async () => {
    await fx.cleanup();
  });

  it('a node whose heartbeat stops: one "node down" after group_wait, its other alerts inhibited', async () => {
    await beat(fx, 'n1', T0);
    await beat(fx, 'n2', T0);
    await supervise(T0);
    // n2 reaches level 3, says so once, and falls silent; n1 beats on.
    await beat(fx, 'n2', T0 + 2 * M, 3);
    await beat(fx, 'n1', T0 + 60 * M);
    await supervise(T0 + 60 * M);
    const pending = alertsFile().alerts.filter((a) => a.labels.node === 'n2' && a.status === 'firing');
    expect(pending.map((a) => a.name).sort()).toEqual(['node-down', 'node-level-3', 'role-halted', 'role-halted']);
    expect(
      pending.filter((a) => a.name !== 'node-down').every((a) => /^inhibited by node-down/.test(a.mutedBy ?? '')),
    ).toBe(true);
    expect(sentTo(sent)).toEqual([]); // group_wait

    await beat(fx, 'n1', T0 + 61 * M);
    await supervise(T0 + 61 * M);
    expect(sentTo(sent).map((n) => [n.receiver, n.status, n.alerts.map((a) => `${a.name}@${a.labels.node}`)])).toEqual([
      ['pager', 'firing', ['node-down@n2']],
    ]);
    expect(alertsFile().outbox).toEqual([]);
    expect(fx.onMain('factory-state/STATUS.md')).toMatch(
      /## Firing alerts\n\n\|[^\n]*\n\|[^\n]*\n\| node-down: node n2 is down \| critical \| node=n2 \|[^\n]*\| pager \|/,
    );

    await beat(fx, 'n1', T0 + 63 * M);
    await supervise(T0 + 63 * M);
    expect(sentTo(sent)).toHaveLength(1);

    const listed = await factoryctl(['alerts', '--json'], { cwd: fx.humanDir, env: fx.env });
    expect(listed.code, listed.stderr).toBe(0);
    const down = (JSON.parse(listed.stdout) as { alerts: { name: string; sentTo: string[] }[] }).alerts.find(
      (a) => a.name === 'node-down',
    );
    expect(down?.sentTo).toEqual(['pager']);
  }, 600_000);

  it('one resolved notification when the node returns, and nothing after', async () => {
    await beat(fx, 'n1', T0 + 70 * M);
    await beat(fx, 'n2', T0 + 70 * M);
    await supervise(T0 + 70 * M);
    await beat(fx, 'n1', T0 + 80 * M);
    await beat(fx, 'n2', T0 + 80 * M);
    await supervise(T0 + 80 * M);
    expect(nodeDown().map((n) => n.status)).toEqual(['firing', 'resolved']);
    expect(sentTo(sent)).toHaveLength(2);
    expect(alertsFile().alerts).toEqual([]);
    expect(fx.onMain('factory-state/STATUS.md')).not.toContain('## Firing alerts');
  }, 600_000);

  it('a silence by matcher, committed by `alerts silence`, keeps a new alert from being sent', async () => {
    const r = await factoryctl(
      [
        'alerts',
        'silence',
        'node=n2',
        '--until',
        '2h',
        '--reason',
        'maintenance',
        '--now',
        new Date(T0 + 90 * M).toISOString(),
      ],
      { cwd: fx.humanDir, env: fx.env },
    );
    expect(r.code, r.stderr).toBe(0);
    await beat(fx, 'n1', T0 + 150 * M);
    await supervise(T0 + 150 * M);
    await beat(fx, 'n1', T0 + 151 * M);
    await supervise(T0 + 151 * M);
    expect(alertsFile().alerts.find((a) => a.name === 'node-down')?.mutedBy).toMatch(/^silence s-.*maintenance/);
    expect(sentTo(sent)).toHaveLength(2);
  }, 600_000);
});

describe('alerts across a failover: the new leader reads alerts.yaml and sends no duplicate', () => {
  let fx: SuperviseFixture;
  let sent: string;
  let b: string;
  const supervise = async (dir: string, node: string, at: number) => {
    fx.clock.at = at;
    const r = await factoryctl(['supervise', '--once', '--now', new Date(at).toISOString()], {
      cwd: dir,
      env: { ...fx.env, FACTORY_NODE: node },
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return r;
  };
  beforeAll(async () => {
    ({ fx, sent } = await fixture());
    b = await fx.repo.clone('standby', `${fx.git.url}control.git`);
  });
  afterAll(async () => {
    await fx.cleanup();
  });

  it('vps-a sends node-down for n2; vps-b takes the lease while it fires and sends it again neither then nor later', async () => {
    await beat(fx, 'n1', T0);
    await beat(fx, 'n2', T0);
    await supervise(fx.supervisorDir, 'vps-a', T0);
    await beat(fx, 'n1', T0 + 60 * M);
    await supervise(fx.supervisorDir, 'vps-a', T0 + 60 * M);
    await beat(fx, 'n1', T0 + 61 * M);
    const last = await supervise(fx.supervisorDir, 'vps-a', T0 + 61 * M);
    expect(last.stdout).not.toMatch(/^standby/);
    expect(sentTo(sent).map((n) => n.groupKey)).toEqual(['{alertname="node-down",node="n2"}']);

    // vps-a stops. vps-b sees its lease, then takes it once its term is over on vps-b's own clock.
    const standby = await supervise(b, 'vps-b', T0 + 61 * M + 10 * S);
    expect(standby.stdout).toMatch(/^standby/);
    for (const at of [T0 + 64 * M, T0 + 65 * M]) {
      await beat(fx, 'n1', at);
      const r = await supervise(b, 'vps-b', at);
      expect(r.stdout).not.toMatch(/^standby/);
    }
    const downs = sentTo(sent).filter((n) => n.groupKey.includes('"node-down"'));
    expect(downs.map((n) => n.status)).toEqual(['firing']);
    // what the new leader did page about: the lease changing hands
    const lease = sentTo(sent).filter((n) => n.groupKey.includes('lease-changed'));
    expect(lease.map((n) => [n.status, n.alerts[0]!.labels.node])).toEqual([['firing', 'vps-b']]);
  }, 600_000);
});
