import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshKeygenMissingError, verifyCommitSignature } from '../../../src/adapters/git/commit-signature.js';
import { commitAll, makeSigningKey, signerLine, type SigningKey } from '../../support/signing-keys.js';

describe('verifyCommitSignature: real ssh-keygen -Y signatures through git verify-commit', () => {
  let root: string;
  let repo: string;
  let signers: string;
  let alice: SigningKey;
  let mallory: SigningKey;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'factoryctl-sig-'));
    repo = join(root, 'repo');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    alice = makeSigningKey(root, 'alice');
    mallory = makeSigningKey(root, 'mallory');
    signers = join(root, 'allowed_signers');
    writeFileSync(signers, `${signerLine('human:alice', alice)}\n`);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names the principal of a commit signed by an allowed key', async () => {
    const sha = commitAll(repo, 'by alice', alice);
    const sig = await verifyCommitSignature(repo, sha, signers);
    expect(sig).toMatchObject({ signed: true, valid: true, principal: 'human:alice' });
    expect(sig.fingerprint).toMatch(/^SHA256:/);
  });

  it('an unsigned commit is neither signed nor valid', async () => {
    const sha = commitAll(repo, 'unsigned');
    expect(await verifyCommitSignature(repo, sha, signers)).toEqual({
      signed: false,
      valid: false,
      error: 'not signed',
    });
  });

  it('a key that is not an allowed signer: signed, not valid, with its fingerprint', async () => {
    const sha = commitAll(repo, 'by mallory', mallory);
    const sig = await verifyCommitSignature(repo, sha, signers);
    expect(sig).toMatchObject({ signed: true, valid: false, error: 'signed by a key that is not an allowed signer' });
    expect(sig.fingerprint).toMatch(/^SHA256:/);
    expect(sig.principal).toBeUndefined();
  });

  it('a missing allowed_signers file is not valid', async () => {
    const sha = commitAll(repo, 'by alice again', alice);
    expect(await verifyCommitSignature(repo, sha, join(root, 'none'))).toMatchObject({ signed: true, valid: false });
  });

  it('an unknown sha is an error, not a pass', async () => {
    const sig = await verifyCommitSignature(repo, '0123456789012345678901234567890123456789', signers);
    expect(sig).toMatchObject({ signed: false, valid: false });
    expect(sig.error).toBeTruthy();
  });

  it('a missing ssh-keygen throws a clear error, not a pass', async () => {
    const sha = commitAll(repo, 'by alice once more', alice);
    // A PATH with git on it but no ssh-keygen.
    const bin = join(root, 'git-only');
    mkdirSync(bin, { recursive: true });
    symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), join(bin, 'git'));
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      await expect(verifyCommitSignature(repo, sha, signers)).rejects.toBeInstanceOf(SshKeygenMissingError);
    } finally {
      process.env.PATH = path;
    }
  });
});
