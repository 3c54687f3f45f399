import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommit } from '../../../src/adapters/git/build-commit.js';
import { casCommit } from '../../../src/adapters/git/cas-commit.js';
import { verifyCommitSignature } from '../../../src/adapters/git/commit-signature.js';
import { checkSigningKey, SIGNING_KEY_ENV } from '../../../src/adapters/git/signing.js';
import { commitStateFiles } from '../../../src/adapters/control-repo/state-commit.js';
import { createTelemetryBranch } from '../../../src/adapters/telemetry/branch.js';
import type { TelemetryUpdate } from '../../../src/domain/telemetry-files.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../../support/control-repo.js';
import { makeSigningKey, signerLine, type SigningKey } from '../../support/signing-keys.js';

function update(i: number): TelemetryUpdate {
  const iso = new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString();
  return {
    sample: undefined,
    decision: { node: 'vps1', level: 0, halted: [], reason: `tick ${i}`, since: iso, updatedAt: iso },
    roles: {},
    events: [{ at: iso, kind: 'tick', reason: `event ${i}` }],
    rollup: undefined,
  };
}

/** `git verify-commit` against an allowed_signers file: what any operator would run by hand. */
function verify(dir: string, signers: string, sha: string): { ok: boolean; text: string } {
  try {
    const text = sh(dir, 'git', [
      ...['-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${signers}`],
      ...['verify-commit', '--raw', sha],
    ]);
    return { ok: true, text };
  } catch (e) {
    return { ok: false, text: String((e as { stderr?: string }).stderr ?? e) };
  }
}

describe('signed writes: every commit factoryctl makes carries this process key', () => {
  let fixture: ControlRepoFixture;
  let keys: string;
  let node: SigningKey;
  let signers: string;
  const withKey = (key: SigningKey) => ({ [SIGNING_KEY_ENV]: key.path });
  beforeAll(() => {
    fixture = makeControlRepo();
    keys = mkdtempSync(join(tmpdir(), 'factoryctl-keys-'));
    node = makeSigningKey(keys, 'vps1');
    signers = join(keys, 'allowed_signers');
    writeFileSync(signers, `${signerLine('node:vps1', node)}\n`);
  });
  afterAll(() => {
    fixture.cleanup();
    rmSync(keys, { recursive: true, force: true });
  });

  it('buildCommit signs with the key the environment names, and stays unsigned without one', async () => {
    const dir = await fixture.clone('build', fixture.bare);
    const signed = await buildCommit(dir, 'HEAD', { 'a.txt': 'a\n' }, 'signed', withKey(node));
    expect(verify(dir, signers, signed)).toMatchObject({ ok: true });
    expect(await verifyCommitSignature(dir, signed, signers)).toMatchObject({ valid: true, principal: 'node:vps1' });
    const plain = await buildCommit(dir, 'HEAD', { 'b.txt': 'b\n' }, 'plain', { [SIGNING_KEY_ENV]: '' });
    expect(verify(dir, signers, plain).ok).toBe(false);
  });

  it('the telemetry branch signs each sample and its compacted root commit', async () => {
    const dir = await fixture.clone('telemetry', fixture.bare);
    process.env[SIGNING_KEY_ENV] = node.path;
    try {
      const branch = createTelemetryBranch({
        dir,
        node: 'vps1',
        keepSamples: 5,
        maxBranchKiB: 1024,
        maxCommits: 2,
        pushTimeoutMs: 30_000,
        now: () => Date.parse('2026-12-01T00:00:00Z'),
      });
      await branch.prepare();
      const shas: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await branch.commit([update(i)], `sample ${i}`);
        shas.push(r.sha);
        if (i === 2) expect(r.compacted).toBe(true);
      }
      for (const sha of shas) expect(verify(dir, signers, sha).ok).toBe(true);
    } finally {
      delete process.env[SIGNING_KEY_ENV];
    }
  });

  it("the supervisor's compare-and-swap push to main and a local state commit are signed", async () => {
    const dir = await fixture.clone('cas', fixture.bare);
    process.env[SIGNING_KEY_ENV] = node.path;
    try {
      const r = await casCommit(dir, {
        branch: 'main',
        paths: ['factory-state/notes.txt'],
        mutate: () => ({ changes: { 'factory-state/notes.txt': 'x\n' }, message: 'notes' }),
      });
      expect(verify(fixture.bare, signers, r.sha!).ok).toBe(true);
      sh(dir, 'git', ['remote', 'remove', 'origin']);
      const local = await commitStateFiles(dir, ['factory-state/local.txt'], () => ({
        changes: { 'factory-state/local.txt': 'y\n' },
        message: 'local',
      }));
      expect(verify(dir, signers, local.sha!).ok).toBe(true);
    } finally {
      delete process.env[SIGNING_KEY_ENV];
    }
  });

  it('a key that cannot sign is a clear error at start (78), and no key is no check', async () => {
    expect(await checkSigningKey({})).toBeUndefined();
    expect(await checkSigningKey(withKey(node))).toMatchObject({ key: node.path });
    expect((await checkSigningKey(withKey(node)))?.fingerprint).toMatch(/SHA256:/);
    await expect(checkSigningKey({ [SIGNING_KEY_ENV]: join(keys, 'missing') })).rejects.toMatchObject({
      exitCode: 78,
      message: expect.stringMatching(/missing: cannot read the signing key \(ENOENT\)/),
    });
    const junk = join(keys, 'junk');
    writeFileSync(junk, 'not a key\n');
    chmodSync(junk, 0o600);
    await expect(checkSigningKey({ [SIGNING_KEY_ENV]: junk })).rejects.toMatchObject({
      exitCode: 78,
      message: expect.stringMatching(/junk: not an SSH key/),
    });
    await expect(checkSigningKey({ [SIGNING_KEY_ENV]: node.path, PATH: '/nonexistent' })).rejects.toMatchObject({
      exitCode: 69,
      message: expect.stringMatching(/ssh-keygen is not installed/),
    });
  });
});
