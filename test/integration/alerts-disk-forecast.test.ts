// A disk filling steadily: a real tmpfs the node samples, node cycles and the supervisor's alert
// evaluation both on an injected clock stepping 30 minutes at a time (no real waiting), so the
// least-squares fit over the telemetry history sees a steady rise.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeDecision } from '../../src/domain/config/state-schema.js';
import { createNodeDaemon, type NodeDaemon } from '../../src/runtime/node/daemon.js';
import { runOnce } from '../../src/runtime/node/loop.js';
import { realNodeDeps } from '../../src/runtime/node/real-deps.js';
import { BIN, factoryctl } from '../support/cli.js';
import { commandReceiverYaml, sentTo } from '../support/alert-nodes.js';
import { cleanupAll, unmount } from '../support/cleanup.js';
import { sh } from '../support/control-repo.js';
import { startSuperviseFixture, type SuperviseFixture } from '../support/supervise-fixture.js';

const M = 60_000;
const STEP = 30 * M;
const T0 = Date.parse('2026-04-01T08:00:00Z');
/** Each step writes this much to the 64 MiB tmpfs: 6.25 % a step, 12.5 %/h; level 1 is 80 %. */
const STEP_MB = 4;

describe('disk-forecast: a disk filling steadily on a real tmpfs alerts before the node reaches level 1', () => {
  const root = mkdtempSync(join(tmpdir(), 'alerts10-disk-'));
  const mnt = join(root, 'disk');
  const sent = join(root, 'sent.jsonl');
  const clock = { now: T0 };
  let mounted = false;
  let fx: SuperviseFixture | undefined;
  let daemon: NodeDaemon | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]);
    mounted = true;
    fx = await startSuperviseFixture([], (yaml) => {
      const edited = yaml.replace('  mounts: [/]\n', `  mounts: ["${mnt}"]\n`);
      if (edited === yaml) throw new Error('fixture: no policy.mounts line to point at the tmpfs');
      return `${edited}\n${commandReceiverYaml(sent)}`;
    });
    const dir = await fx.repo.clone('node-n1', `${fx.git.url}control.git`);
    daemon = createNodeDaemon(
      realNodeDeps({
        dir,
        node: 'n1',
        env: { ...process.env, FACTORY_RUN_DIR: join(root, 'run'), FACTORY_STATE_DIR: join(root, 'state') },
        now: () => clock.now,
        log: (line) => void logs.push(line),
        cron: { nodeBin: process.execPath, cli: BIN },
        selfUpgrade: false,
      }),
    );
    await daemon.start();
    await daemon.restore();
  }, 120_000);

  afterAll(() =>
    cleanupAll([
      async () => void (await daemon?.stopAgents()),
      async () => fx?.cleanup(),
      () => {
        if (mounted) unmount(mnt);
      },
      () => rmSync(root, { recursive: true, force: true }),
    ]),
  );

  const supervise = async () => {
    fx!.clock.at = clock.now;
    const r = await factoryctl(['supervise', '--once', '--now', new Date(clock.now).toISOString()], {
      cwd: fx!.supervisorDir,
      env: { ...fx!.env, FACTORY_NODE: 'vps-a' },
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
  };
  const alerts = () =>
    (parse(fx!.onMain('factory-state/alerts.yaml')) as { alerts: { name: string; status: string; summary: string }[] })
      .alerts;
  const telemetry = (file: string) => sh(fx!.repo.bare, 'git', ['show', `telemetry/n1:${file}`]);
  const usedPercent = () =>
    (JSON.parse(telemetry('sample.json')) as { disks: { mount: string; usedPercent: number }[] }).disks.find(
      (d) => d.mount === mnt,
    )!.usedPercent;

  it('the forecast fires while the tmpfs is still under 80 %, the node has halted nothing, and the receiver is told', async () => {
    let fired: { name: string; status: string; summary: string } | undefined;
    const seen: number[] = [];
    for (let step = 0; step < 16 && !fired; step++) {
      if (step > 0) appendFileSync(join(mnt, 'fill'), Buffer.alloc(STEP_MB * 1024 * 1024, step));
      clock.now = T0 + step * STEP;
      const report = await runOnce(daemon!);
      expect(report.problems, logs.join('\n')).toEqual([]);
      expect(report.level, report.reason).toBe(0);
      seen.push(usedPercent());
      await supervise();
      fired = alerts().find((a) => a.name === 'disk-forecast' && a.status === 'firing');
    }
    expect(fired, `disk use seen: ${seen.join(', ')} %`).toBeDefined();
    expect(fired!.summary).toMatch(/^n1: disk reaches level 1 in /);
    // Before level 1: under its 80 % line, and with more than one step to go before the line.
    expect(seen.at(-1)!).toBeLessThan(80 - 6.25);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    const decision = JSON.parse(telemetry('decision.json')) as NodeDecision;
    expect(decision).toMatchObject({ node: 'n1', level: 0, halted: [] });

    // group_wait (30s) later, the next supervisor cycle sends it.
    clock.now += M;
    await supervise();
    const told = sentTo(sent).filter((n) => n.alerts.some((a) => a.name === 'disk-forecast'));
    expect(told.map((n) => [n.receiver, n.status])).toEqual([['pager', 'firing']]);
    expect(JSON.parse(telemetry('decision.json'))).toMatchObject({ level: 0, halted: [] });
  }, 600_000);
});
