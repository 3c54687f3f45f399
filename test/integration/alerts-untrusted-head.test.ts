// untrusted-head end to end: a real git server, real `ssh-keygen -Y` signatures, a leader supervisor
// daemon signing its own commits, and a webhook receiver on loopback that records what it is sent.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupAll } from '../support/cleanup.js';
import { sh, shAsync } from '../support/control-repo.js';
import { startHttpRecorder, type HttpRecorder } from '../support/http-recorder.js';
import { waitFor } from '../support/node-fixture.js';
import { commitAll, makeSigningKey, signerLine, type SigningKey } from '../support/signing-keys.js';
import {
  startDaemon,
  startSuperviseFixture,
  type Daemon,
  type SuperviseFixture,
} from '../support/supervise-fixture.js';

interface Sent {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: {
    name: string;
    severity: string;
    status: string;
    labels: Record<string, string>;
    summary: string;
    description: string;
  }[];
}
const CYCLE_DONE = /^factoryctl supervise: \d+ repositories/;

describe('untrusted-head: an unsigned commit on main pages once, a trusted one on top resolves it', () => {
  let hook: HttpRecorder;
  let fx: SuperviseFixture;
  let daemon: Daemon;
  const keys: Record<string, SigningKey> = {};

  /** What the receiver got about untrusted-head, in order. */
  const sent = (): Sent[] =>
    hook.requests
      .map((r) => JSON.parse(r.body) as Sent)
      .filter((n) => n.alerts.some((a) => a.name === 'untrusted-head'));
  /** Writes files in the human clone, commits (signed by key when given) on main's tip and pushes: the new sha. */
  const push = async (message: string, key: SigningKey | undefined, files: Record<string, string>) => {
    await shAsync(fx.humanDir, 'git', ['pull', '-q', '--ff-only']);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(fx.humanDir, path, '..'), { recursive: true });
      writeFileSync(join(fx.humanDir, path), text);
    }
    const sha = commitAll(fx.humanDir, message, key);
    await shAsync(fx.humanDir, 'git', ['push', '-q', 'origin', 'main']);
    return sha;
  };
  /**
   * One cycle now (SIGUSR1), waited for to its end: the daemon commits nothing while a test pushes.
   * Its notes follow the outcome line; the index returned is where to look for them.
   */
  const cycle = async () => {
    const from = daemon.lines.length;
    daemon.child.kill('SIGUSR1');
    await daemon.waitFor(CYCLE_DONE, 60_000, from);
    return from;
  };

  beforeAll(async () => {
    hook = await startHttpRecorder();
    // The tuned interval (10m or more) runs no cycle during the test: only SIGUSR1 does. groupWait and
    // groupInterval 0s: a group is sent by the cycle that sees it change.
    fx = await startSuperviseFixture(
      ['interval: { min: 10m, max: 15m }'],
      (yaml) =>
        `${yaml}\nalerts:\n  groupWait: 0s\n  groupInterval: 0s\n  receivers:\n    hook: { type: webhook, url: "${hook.url}/alerts" }\n`,
    );
    for (const name of ['alice', 'supervisor']) keys[name] = makeSigningKey(fx.repo.root, name);
    // The trust root: a human and this supervisor's key, and enforce, signed by the human it lists.
    const factoryYaml = readFileSync(join(fx.humanDir, 'factory.yaml'), 'utf8');
    await push('trust: alice and the supervisor of big; enforce', keys.alice, {
      'trust/allowed_signers': `${signerLine('human:alice', keys.alice!)}\n${signerLine('supervisor:big', keys.supervisor!)}\n`,
      'factory.yaml': `${factoryYaml}\ntrust:\n  mode: enforce\n`,
    });
    daemon = startDaemon(fx.supervisorDir, ['--listen', '127.0.0.1:0'], {
      ...fx.env,
      FACTORY_NODE: 'big',
      FACTORYCTL_SIGNING_KEY: keys.supervisor!.path,
    });
    await daemon.waitFor(CYCLE_DONE, 60_000);
  }, 180_000);
  afterAll(() =>
    cleanupAll([
      async () => daemon && expect(await daemon.stop(), daemon.lines.join('\n')).toBe(0),
      () => fx?.cleanup(),
      () => hook?.close(),
    ]),
  );

  it('a leader on trusted state: its own signed commits are trusted, nothing is sent', async () => {
    expect(daemon.lines.join('\n')).not.toMatch(/^factoryctl supervise: standby/m);
    await cycle();
    expect(sent()).toEqual([]);
    expect(fx.onMain('factory-state/alerts.yaml')).not.toContain('untrusted-head');
  });

  it('an unsigned push to main: one critical untrusted-head alert naming the ref, the sha and "unsigned"', async () => {
    const bad = await push('pushed with a stolen token', undefined, { 'factory-state/notes.txt': 'unsigned\n' });
    const from = await cycle();
    await waitFor('the untrusted-head alert at the webhook', () => sent().length > 0);
    const [firing, ...more] = sent();
    expect(more).toEqual([]);
    expect(firing).toMatchObject({ receiver: 'hook', status: 'firing' });
    expect(firing!.alerts).toHaveLength(1);
    expect(firing!.alerts[0]).toMatchObject({
      name: 'untrusted-head',
      severity: 'critical',
      status: 'firing',
      labels: { ref: 'refs/heads/main', sha: bad, signer: 'unsigned' },
      summary: `main has an untrusted commit ${bad.slice(0, 12)} (signer unsigned)`,
    });
    // enforce, as read at the trusted commit by the supervisor's own (ESM-bundled) trust walk
    expect(firing!.alerts[0]!.description).toContain(
      'not signed; ignored: the factory acts on the newest trusted commit',
    );
    await daemon.waitFor(
      new RegExp(`note: commit ${bad.slice(0, 12)} \\(signer unsigned\\) is not trusted`),
      10_000,
      from,
    );

    // The supervisor's own commits pile on top of the untrusted one: the same alert, nothing sent again.
    await cycle();
    expect(sent()).toHaveLength(1);
    expect(fx.onMain('factory-state/alerts.yaml')).toContain(`sha: ${bad}`);
  });

  it("a human's signed commit on top: the head is trusted again, one resolved notification, then nothing", async () => {
    const fixed = await push('restore', keys.alice, { 'factory-state/notes.txt': 'restored\n' });
    await cycle();
    await waitFor('the resolved notification', () => sent().length > 1);
    const [, resolved] = sent();
    expect(resolved).toMatchObject({ receiver: 'hook', status: 'resolved' });
    expect(resolved!.alerts.map((a) => [a.name, a.status, a.labels.signer])).toEqual([
      ['untrusted-head', 'resolved', 'unsigned'],
    ]);
    // The signed commit is trusted (the supervisor's own commits after it too): the alert stays resolved.
    await cycle();
    expect(sent().map((n) => n.status)).toEqual(['firing', 'resolved']);
    expect(fx.onMain('factory-state/alerts.yaml')).not.toContain('untrusted-head');
    expect(sh(fx.repo.bare, 'git', ['merge-base', '--is-ancestor', fixed, 'main'])).toBe('');
  });
});
