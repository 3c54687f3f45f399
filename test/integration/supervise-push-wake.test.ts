// A push webhook on the control repo (the git server sends Forgejo's push events, signed) brings a
// node's news to the supervisor at once: a level-3 push wakes a cycle long before the tuned
// interval, and the notification leaves one group_wait later. Heartbeats, lease renewals and the
// supervisor's own commits arrive as events too, and wake nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHeartbeatMessage } from '../../src/domain/telemetry-message.js';
import { loadSpec } from '../support/emulator/spec-loader.js';
import { beat, commandReceiverYaml, sentTo } from '../support/alert-nodes.js';
import {
  SECRET,
  startDaemon,
  startSuperviseFixture,
  until,
  type Daemon,
  type SuperviseFixture,
} from '../support/supervise-fixture.js';

describe('a supervise daemon with a 10-minute interval, a push webhook and group_wait 1s', () => {
  let fx: SuperviseFixture;
  let daemon: Daemon | undefined;
  const sent = join(mkdtempSync(join(tmpdir(), 'push-wake-')), 'sent.jsonl');
  beforeAll(async () => {
    fx = await startSuperviseFixture(
      ['interval: { min: 10m, max: 10m }'],
      (yaml) => `${yaml}\n${commandReceiverYaml(sent)}  groupWait: 1s\n`,
    );
  });
  afterAll(async () => {
    if (daemon) expect(await daemon.stop(), daemon.lines.join('\n')).toBe(0);
    await fx.cleanup();
  });
  const cycles = () => daemon!.lines.filter((l) => /^factoryctl supervise: cycle \(/.test(l));

  it("wakes for a node's news, not for heartbeats, the lease or its own commits", async () => {
    await beat(fx, 'n1', Date.now(), 0);
    daemon = startDaemon(fx.supervisorDir, ['--listen', '127.0.0.1:0'], fx.env);
    const url = (await daemon.waitFor(/listening for webhooks on /, 60_000)).replace(/.* on /, '');
    fx.git.setPushWebhook(`${url}/`, SECRET);
    await daemon.waitFor(/next look/, 120_000);
    expect(cycles()).toHaveLength(1);

    // A heartbeat: delivered, answered, no cycle.
    await beat(fx, 'n1', Date.now(), 0);
    await until(
      () => fx.git.pushWebhooks.some((d) => d.payload.ref === 'refs/heads/telemetry/n1' && d.status === 200),
      60_000,
      "the heartbeat's push webhook answered",
    );
    expect(daemon.lines).toContainEqual(
      expect.stringMatching(/no cycle: forgejo push to telemetry\/n1: heartbeats only/),
    );
    expect(cycles()).toHaveLength(1);

    // News: the node at level 3 wakes a cycle, and the alert it sees is sent group_wait later.
    await beat(fx, 'n1', Date.now(), 3);
    const { value } = await until(() => sentTo(sent)[0], 120_000, 'the level-3 notification');
    expect(value.alerts.map((a) => `${a.name}@${a.labels.node}`)).toContain('node-level-3@n1');
    expect(cycles()).toEqual([
      expect.stringMatching(/cycle \(/),
      expect.stringMatching(/cycle \(forgejo push to telemetry\/n1: telemetry n1: level 3: memory low\)/),
      expect.stringMatching(/cycle \(an alert may be sent/),
    ]);
  });

  it("sent Forgejo's push payload, which the supervisor answered without waking for its own pushes", async () => {
    const forgejo = await loadSpec('forgejo');
    const commit = forgejo.validator({ $ref: '#/definitions/PayloadCommit' });
    const user = forgejo.validator({ $ref: '#/definitions/PayloadUser' });
    const deliveries = fx.git.pushWebhooks;
    for (const d of deliveries) {
      for (const c of d.payload.commits) expect(commit(c), JSON.stringify(commit.errors)).toBe(true);
      expect(user(d.payload.pusher), JSON.stringify(user.errors)).toBe(true);
    }
    const byRef = (ref: string) => deliveries.filter((d) => d.payload.ref === ref);
    // The supervisor's commits and its lease renewals reached it as events, and were not worth a cycle.
    await until(() => byRef('refs/heads/main').some((d) => d.status === 200), 60_000, "a push of the supervisor's");
    expect(byRef('refs/heads/main').map((d) => d.status)).not.toContain(202);
    expect(daemon!.lines).toContainEqual(
      expect.stringMatching(/no cycle: forgejo push to main: the supervisor's own commits/),
    );
    expect(byRef('refs/heads/control/lease').every((d) => d.status === 200)).toBe(true);
    // Exactly one event was worth a cycle: the level-3 push.
    const woke = deliveries.filter((d) => d.status === 202);
    expect(woke.map((d) => d.payload.commits.map((c) => isHeartbeatMessage(c.message)))).toEqual([[false]]);
  });
});
