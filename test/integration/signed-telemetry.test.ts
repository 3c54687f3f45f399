import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCommitSignature } from '../../src/adapters/git/commit-signature.js';
import { factoryctl } from '../support/cli.js';
import { IDENTITY, sh, shAsync } from '../support/control-repo.js';
import { commitAll, makeSigningKey, signArgs, signerLine, type SigningKey } from '../support/signing-keys.js';
import { startSuperviseFixture, type SuperviseFixture } from '../support/supervise-fixture.js';

// Signed writes end to end: the node daemons and the supervisor sign their own commits with their
// own keys (real processes, a real git server, real ssh-keygen), and a supervisor in enforce does
// not hear one node speaking for another.
describe('signed writes, and telemetry heard only in its own node’s voice', () => {
  let fx: SuperviseFixture;
  const keys: Record<string, SigningKey> = {};
  const nodeDirs: Record<string, string> = {};
  let signers: string;
  const run = (dir: string, args: string[], env: NodeJS.ProcessEnv) =>
    factoryctl(args, { cwd: dir, env: { ...fx.env, ...env } });
  const supervise = async () => {
    const r = await run(fx.supervisorDir, ['supervise', '--once', '--json'], {
      FACTORYCTL_SIGNING_KEY: keys.supervisor!.path,
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return JSON.parse(r.stdout) as { notes: string[]; sha?: string };
  };
  const tip = (ref: string) => sh(fx.repo.bare, 'git', ['rev-parse', ref]);
  /** What an operator runs by hand: git's own verify-commit, against the control repo's signers. */
  const verifyByHand = (sha: string) =>
    execFileSync('git', ['-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${signers}`, 'verify-commit', sha], {
      cwd: fx.repo.bare,
      stdio: 'pipe',
    });
  const principalOf = async (sha: string) => (await verifyCommitSignature(fx.repo.bare, sha, signers)).principal;

  /** A human's signed commit on main. */
  async function humanCommit(files: Record<string, string>, message: string): Promise<void> {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(fx.humanDir, path, '..'), { recursive: true });
      writeFileSync(join(fx.humanDir, path), text);
    }
    await shAsync(fx.humanDir, 'git', ['pull', '-q', '--ff-only']);
    commitAll(fx.humanDir, message, keys.human);
    await shAsync(fx.humanDir, 'git', ['push', '-q']);
  }

  beforeAll(async () => {
    fx = await startSuperviseFixture([]);
    for (const name of ['human', 'supervisor', 'vps1', 'vps2']) keys[name] = makeSigningKey(fx.repo.root, name);
    const text = [
      signerLine('human:ops', keys.human!),
      signerLine('supervisor:test-node', keys.supervisor!),
      signerLine('node:vps1', keys.vps1!),
      signerLine('node:vps2', keys.vps2!),
      '',
    ].join('\n');
    signers = join(fx.repo.root, 'allowed_signers');
    writeFileSync(signers, text);
    const factory = execFileSync('git', ['show', 'HEAD:factory.yaml'], { cwd: fx.humanDir, encoding: 'utf8' });
    await humanCommit(
      { 'trust/allowed_signers': text, 'factory.yaml': `${factory}\ntrust:\n  mode: enforce\n` },
      'trust: four signers, enforce',
    );
    for (const node of ['vps1', 'vps2']) nodeDirs[node] = await fx.repo.clone(node, `${fx.git.url}control.git`);
  });
  afterAll(async () => fx.cleanup());

  it('each node daemon signs its telemetry, the supervisor its decisions and its lease, with their own keys', async () => {
    for (const node of ['vps1', 'vps2']) {
      const r = await run(nodeDirs[node]!, ['node', '--once'], {
        FACTORY_NODE: node,
        FACTORYCTL_SIGNING_KEY: keys[node]!.path,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('signing commits with 256 SHA256:');
      const sha = tip(`telemetry/${node}`);
      expect(() => verifyByHand(sha)).not.toThrow();
      expect(await principalOf(sha)).toBe(`node:${node}`);
    }
    const before = fx.mainSha();
    const out = await supervise();
    expect(out.notes.filter((n) => n.includes('telemetry/'))).toEqual([]);
    expect(fx.mainSha()).not.toBe(before);
    for (const ref of ['main', 'control/lease']) {
      expect(() => verifyByHand(tip(ref))).not.toThrow();
      expect(await principalOf(tip(ref))).toBe('supervisor:test-node');
    }
  });

  it("ignores node vps2's branch rewritten with vps1's key in enforce, and notes the sha and the signer", async () => {
    const forged = await forgeTelemetry(nodeDirs.vps1!, 'vps2', keys.vps1!, 'forged by vps1');
    const out = await supervise();
    expect(out.notes).toContain(
      `telemetry/vps2 tip ${forged.slice(0, 12)} is signed by node:vps1, not node:vps2: ignored (trust.mode enforce), the node's last trusted sample stands`,
    );
    expect(fx.onMain('factory-state/STATUS.md')).not.toContain('forged by vps1');
    expect(fx.onMain('factory-state/STATUS.md')).toContain('vps1');

    // The same branch in warn: heard, and noted.
    const factory = fx.onMain('factory.yaml').replace('mode: enforce', 'mode: warn');
    await humanCommit({ 'factory.yaml': `${factory}\n` }, 'trust: warn');
    const warned = await supervise();
    expect(warned.notes).toContain(
      `telemetry/vps2 tip ${forged.slice(0, 12)} is signed by node:vps1, not node:vps2: used anyway (trust.mode warn)`,
    );
    expect(fx.onMain('factory-state/STATUS.md')).toContain('forged by vps1');
  });

  /** Another node's process rewrites `node`'s branch: a signed commit, but with the wrong key. */
  async function forgeTelemetry(dir: string, node: string, key: SigningKey, reason: string): Promise<string> {
    const ref = `refs/heads/telemetry/${node}`;
    await shAsync(dir, 'git', ['fetch', '-q', 'origin', `+${ref}:refs/remotes/origin/telemetry/${node}`]);
    const at = new Date().toISOString();
    const decision = { node, level: 1, halted: ['dev'], reason, since: at, updatedAt: at };
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], {
      cwd: dir,
      input: `${JSON.stringify(decision)}\n`,
      encoding: 'utf8',
    }).trim();
    const base = sh(dir, 'git', ['rev-parse', `origin/telemetry/${node}`]);
    const index = join(fx.repo.root, `forge-${node}.index`);
    const env = { ...IDENTITY, GIT_INDEX_FILE: index };
    sh(dir, 'git', ['read-tree', base], env);
    sh(dir, 'git', ['update-index', '--add', '--cacheinfo', `100644,${blob},decision.json`], env);
    const tree = sh(dir, 'git', ['write-tree'], env);
    const sha = sh(dir, 'git', [...signArgs(key), 'commit-tree', '-S', tree, '-p', base, '-m', reason], env);
    await shAsync(dir, 'git', ['push', '-q', '--force', 'origin', `${sha}:${ref}`]);
    return sha;
  }
});
