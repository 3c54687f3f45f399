// The supervise daemon's next cycle comes when an alert may be sent, not at its tuned interval:
// a node at level 3 is seen by one cycle, and its notification leaves group_wait later. With a push
// webhook on the control repo (the git server sends Forgejo's push events, signed) a node's news
// wakes a cycle at once; heartbeats, lease renewals and the supervisor's own commits arrive as
// events too, and wake nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHeartbeatMessage } from '../../src/domain/telemetry-message.js';
import { beat, commandReceiverYaml, sentTo } from '../support/alert-nodes.js';
import { loadSpec } from '../support/emulator/spec-loader.js';
import {
  SECRET,
  startDaemon,
  startSuperviseFixture,
  until,
  type Daemon,
  type SuperviseFixture,
} from '../support/supervise-fixture.js';

/** A supervise fixture with a 10-minute interval and a command receiver; its daemon is stopped (exit 0) after. */
function alertWakeFixture(groupWait: string) {
  const ctx: { fx: SuperviseFixture; daemon?: Daemon; sent: string } = {
    fx: undefined as never,
    sent: join(mkdtempSync(join(tmpdir(), 'alert-wake-')), 'sent.jsonl'),
  };
  beforeAll(async () => {
    ctx.fx = await startSuperviseFixture(
      ['interval: { min: 10m, max: 10m }'],
      (yaml) => `${yaml}\n${commandReceiverYaml(ctx.sent)}  groupWait: ${groupWait}\n`,
    );
  });
  afterAll(async () => {
    if (ctx.daemon) expect(await ctx.daemon.stop(), ctx.daemon.lines.join('\n')).toBe(0);
    await ctx.fx.cleanup();
  });
  return ctx;
}
const cycles = (d: Daemon) => d.lines.filter((l) => /^factoryctl supervise: cycle \(/.test(l));

describe('a supervise daemon with a 10-minute interval and group_wait 2s', () => {
  const ctx = alertWakeFixture('2s');

  it('sends the alert one group_wait after the cycle that saw it, by a cycle it woke for that', async () => {
    const { fx, sent } = ctx;
    await beat(fx, 'n1', Date.now(), 3);
    const daemon = (ctx.daemon = startDaemon(fx.supervisorDir, [], fx.env));
    // The first cycle sees the node at level 3 and plans its next look for when the group may be sent.
    await daemon.waitFor(/next look .*\(an alert may be sent/, 120_000);
    expect(sentTo(sent)).toEqual([]);
    const { value } = await until(() => sentTo(sent)[0], 120_000, 'the level-3 notification');
    expect(value.status).toBe('firing');
    expect(value.alerts.map((a) => `${a.name}@${a.labels.node}`)).toContain('node-level-3@n1');
    // Sent by the cycle the alert woke, minutes before the tuned interval would have come.
    expect(cycles(daemon)).toEqual([
      expect.stringMatching(/cycle \(/),
      expect.stringMatching(/cycle \(an alert may be sent/),
    ]);
  });
});

describe('a supervise daemon with a 10-minute interval, a push webhook and group_wait 1s', () => {
  const ctx = alertWakeFixture('1s');

  it("wakes for a node's news, not for heartbeats, the lease or its own commits", async () => {
    const { fx, sent } = ctx;
    await beat(fx, 'n1', Date.now(), 0);
    const daemon = (ctx.daemon = startDaemon(fx.supervisorDir, ['--listen', '127.0.0.1:0'], fx.env));
    const url = (await daemon.waitFor(/listening for webhooks on /, 60_000)).replace(/.* on /, '');
    fx.git.setPushWebhook(`${url}/`, SECRET);
    await daemon.waitFor(/next look/, 120_000);
    expect(cycles(daemon)).toHaveLength(1);

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
    expect(cycles(daemon)).toHaveLength(1);

    // News: the node at level 3 wakes a cycle, and the alert it sees is sent group_wait later.
    await beat(fx, 'n1', Date.now(), 3);
    const { value } = await until(() => sentTo(sent)[0], 120_000, 'the level-3 notification');
    expect(value.alerts.map((a) => `${a.name}@${a.labels.node}`)).toContain('node-level-3@n1');
    expect(cycles(daemon)).toEqual([
      expect.stringMatching(/cycle \(/),
      expect.stringMatching(/cycle \(forgejo push to telemetry\/n1: telemetry n1: level 3: memory low\)/),
      expect.stringMatching(/cycle \(an alert may be sent/),
    ]);
  });

  it("sent Forgejo's push payload, which the supervisor answered without waking for its own pushes", async () => {
    const { fx } = ctx;
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
    expect(ctx.daemon!.lines).toContainEqual(
      expect.stringMatching(/no cycle: forgejo push to main: the supervisor's own commits/),
    );
    expect(byRef('refs/heads/control/lease').every((d) => d.status === 200)).toBe(true);
    // Exactly one event was worth a cycle: the level-3 push.
    const woke = deliveries.filter((d) => d.status === 202);
    expect(woke.map((d) => d.payload.commits.map((c) => isHeartbeatMessage(c.message)))).toEqual([[false]]);
  });
});
