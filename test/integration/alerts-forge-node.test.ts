// The forge unreachable from a node that is not the leader: two node daemons (in this process, on an
// injected clock) probe the forge emulator and commit their decisions to telemetry branches on a real
// git server; n2's probes go to a closed port until it "reaches" the forge again (its probe's URL is
// the one seam: factory.yaml is one for both nodes). The leader (`supervise --once`, vps-a) pages a
// webhook receiver on loopback: one forge-unreachable naming n2, then one resolved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl } from '../support/closed-port.js';
import { createVersionProbe } from '../../src/adapters/forge/version-probe.js';
import type { NodeDecision } from '../../src/domain/config/state-schema.js';
import { FORGE_PROBE_TIMEOUT_MS } from '../../src/domain/node/forge-probe.js';
import { createNodeDaemon, type NodeDaemon } from '../../src/runtime/node/daemon.js';
import { runOnce } from '../../src/runtime/node/loop.js';
import { realNodeDeps } from '../../src/runtime/node/real-deps.js';
import type { SentNotification } from '../support/alert-nodes.js';
import { BIN, factoryctl } from '../support/cli.js';
import { cleanupAll } from '../support/cleanup.js';
import { sh } from '../support/control-repo.js';
import { assertAllExchangesMatchSpec } from '../support/emulator/index.js';
import { startHttpRecorder, type HttpRecorder } from '../support/http-recorder.js';
import { waitFor } from '../support/node-fixture.js';
import { startSuperviseFixture, type SuperviseFixture } from '../support/supervise-fixture.js';

const M = 60_000;
const T0 = Date.parse('2026-04-01T08:00:00Z');

describe('forge-unreachable from a node: its own probes, its telemetry, the leader pages', () => {
  const root = mkdtempSync(join(tmpdir(), 'alerts10-forge-'));
  const clock = { now: T0 };
  const logs: string[] = [];
  /** n2 reaches the forge (its probes go to the emulator) or not (to a closed port) */
  const n2 = { reaches: false };
  let deadUrl = '';
  let hook: HttpRecorder | undefined;
  let fx: SuperviseFixture | undefined;
  const daemons: Record<string, NodeDaemon> = {};

  beforeAll(async () => {
    hook = await startHttpRecorder();
    deadUrl = await closedPortUrl();
    const receiver = ['alerts:', '  receivers:', `    hook: { type: webhook, url: "${hook.url}/alerts" }`, ''];
    fx = await startSuperviseFixture([], (yaml) => `${yaml}\n${receiver.join('\n')}`);
    const probe = createVersionProbe({ timeoutMs: FORGE_PROBE_TIMEOUT_MS });
    for (const node of ['n1', 'n2']) {
      const dir = await fx.repo.clone(`node-${node}`, `${fx.git.url}control.git`);
      const deps = realNodeDeps({
        dir,
        node,
        env: {
          ...process.env,
          FORGE_TOKEN: fx.emu.forgejoToken,
          FACTORY_RUN_DIR: join(root, node, 'run'),
          FACTORY_STATE_DIR: join(root, node, 'state'),
        },
        now: () => clock.now,
        log: (line) => void logs.push(`${node}: ${line}`),
        cron: { nodeBin: process.execPath, cli: BIN },
        selfUpgrade: false,
      });
      if (node === 'n2')
        deps.forge = { probe: (url, token, signal) => probe(n2.reaches ? url : deadUrl, token, signal) };
      daemons[node] = createNodeDaemon(deps);
      await daemons[node].start();
      await daemons[node].restore();
    }
  }, 120_000);

  afterAll(() =>
    cleanupAll([
      ...Object.values(daemons).map((d) => async () => void (d.stopProbes(), await d.stopAgents())),
      async () => hook?.close(),
      async () => fx?.cleanup(),
      () => rmSync(root, { recursive: true, force: true }),
    ]),
  );

  /** Both nodes: a probe round (awaited: the loop runs it in the background), then a cycle, committed and pushed. */
  const nodesAt = async (at: number) => {
    clock.now = at;
    for (const d of Object.values(daemons)) {
      await d.probeForges();
      const report = await runOnce(d);
      expect(report.problems, logs.join('\n')).toEqual([]);
    }
  };
  const supervise = async (at: number) => {
    fx!.clock.at = at;
    const r = await factoryctl(['supervise', '--once', '--now', new Date(at).toISOString()], {
      cwd: fx!.supervisorDir,
      env: { ...fx!.env, FACTORY_NODE: 'vps-a' },
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
  };
  const decision = (node: string) =>
    JSON.parse(sh(fx!.repo.bare, 'git', ['show', `telemetry/${node}:decision.json`])) as NodeDecision;
  const journal = (node: string) => sh(fx!.repo.bare, 'git', ['show', `telemetry/${node}:journal.jsonl`]);
  const forgeSent = () =>
    hook!.requests
      .map((r) => JSON.parse(r.body) as SentNotification & { alerts: { description?: string }[] })
      .filter((n) => n.alerts.some((a) => a.name === 'forge-unreachable'));

  it('one firing alert naming n2 after group_wait, nothing for n1, one resolved once n2 reaches the forge', async () => {
    await nodesAt(T0);
    expect(decision('n1').forge).toEqual({ ok: true, since: expect.any(String) });
    expect(decision('n2').forge).toEqual({
      ok: false,
      since: expect.any(String),
      error: `${fx!.emu.forgejoUrl}: network error: ECONNREFUSED`,
    });
    expect(journal('n2')).toContain('"kind":"forge-unreachable"');
    await supervise(T0);
    expect(forgeSent()).toEqual([]); // group_wait

    await nodesAt(T0 + M);
    await supervise(T0 + M);
    await waitFor('the firing notification', () => forgeSent().length > 0);
    const firing = forgeSent();
    expect(firing.map((n) => [n.receiver, n.status, n.alerts.map((a) => `${a.name}@${a.labels.node}`)])).toEqual([
      ['hook', 'firing', ['forge-unreachable@n2']],
    ]);
    expect(firing[0]!.alerts[0]!.description).toBe(`${fx!.emu.forgejoUrl}: network error: ECONNREFUSED`);
    expect(hook!.requests[0]!.path).toBe('/alerts');

    // n2 reaches the forge again: its next probe round answers, its decision says so, the alert resolves.
    n2.reaches = true;
    await nodesAt(T0 + 2 * M);
    expect(decision('n2').forge).toEqual({ ok: true, since: new Date(T0 + 2 * M).toISOString() });
    expect(journal('n2')).toContain('"kind":"forge-reachable"');
    await supervise(T0 + 2 * M);
    // The group is sent again no sooner than group_interval (5m) after it was.
    await nodesAt(T0 + 7 * M);
    await supervise(T0 + 7 * M);
    await waitFor('the resolved notification', () => forgeSent().length > 1);
    const both = forgeSent();
    expect(both.map((n) => [n.status, n.alerts.map((a) => `${a.name}@${a.labels.node}:${a.status}`)])).toEqual([
      ['firing', ['forge-unreachable@n2:firing']],
      ['resolved', ['forge-unreachable@n2:resolved']],
    ]);

    // And nothing after: another cycle of both sends no more about the forge.
    await nodesAt(T0 + 13 * M);
    await supervise(T0 + 13 * M);
    expect(forgeSent()).toHaveLength(2);

    // Both nodes asked the emulator's /api/v1/version (n2 once it reached it), each request as the spec has it.
    const versions = fx!.emu.exchanges.filter((e) => e.route === 'GET /version');
    expect(versions.length).toBeGreaterThanOrEqual(4);
    expect(versions.every((e) => e.status === 200)).toBe(true);
    await assertAllExchangesMatchSpec(fx!.emu);
  }, 600_000);
});
