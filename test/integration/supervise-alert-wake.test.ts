// The supervise daemon's next cycle comes when an alert may be sent, not at its tuned interval:
// a node at level 3 is seen by one cycle, and its notification leaves group_wait later.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beat, commandReceiverYaml, sentTo } from '../support/alert-nodes.js';
import {
  startDaemon,
  startSuperviseFixture,
  until,
  type Daemon,
  type SuperviseFixture,
} from '../support/supervise-fixture.js';

describe('a supervise daemon with a 10-minute interval and group_wait 2s', () => {
  let fx: SuperviseFixture;
  let daemon: Daemon | undefined;
  const sent = join(mkdtempSync(join(tmpdir(), 'alert-wake-')), 'sent.jsonl');
  beforeAll(async () => {
    fx = await startSuperviseFixture(
      ['interval: { min: 10m, max: 10m }'],
      (yaml) => `${yaml}\n${commandReceiverYaml(sent)}  groupWait: 2s\n`,
    );
  });
  afterAll(async () => {
    if (daemon) expect(await daemon.stop(), daemon.lines.join('\n')).toBe(0);
    await fx.cleanup();
  });

  it('sends the alert one group_wait after the cycle that saw it, by a cycle it woke for that', async () => {
    await beat(fx, 'n1', Date.now(), 3);
    daemon = startDaemon(fx.supervisorDir, [], fx.env);
    // The first cycle sees the node at level 3 and plans its next look for when the group may be sent.
    await daemon.waitFor(/next look .*\(an alert may be sent/, 120_000);
    expect(sentTo(sent)).toEqual([]);
    const { value } = await until(() => sentTo(sent)[0], 120_000, 'the level-3 notification');
    expect(value.status).toBe('firing');
    expect(value.alerts.map((a) => `${a.name}@${a.labels.node}`)).toContain('node-level-3@n1');
    // Sent by the cycle the alert woke, minutes before the tuned interval would have come.
    expect(daemon.lines.filter((l) => /^factoryctl supervise: cycle \(/.test(l))).toEqual([
      expect.stringMatching(/cycle \(/),
      expect.stringMatching(/cycle \(an alert may be sent/),
    ]);
  });
});
