import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCommitSignature } from '../../src/adapters/git/commit-signature.js';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { makeSigningKey, type SigningKey } from '../support/signing-keys.js';

describe('factoryctl trust init: the first signer, and warn', () => {
  let fixture: ControlRepoFixture;
  let dir: string;
  let alice: SigningKey;
  beforeAll(async () => {
    fixture = makeControlRepo();
    dir = await fixture.clone('human', fixture.bare);
    alice = makeSigningKey(fixture.root, 'alice');
  });
  afterAll(() => fixture.cleanup());

  it('writes the signer, turns on warn, commits signed by that key and pushes', async () => {
    const r = await factoryctl(
      ['trust', 'init', '--key', `${alice.path}.pub`, '--principal', 'human:alice', '--json'],
      {
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { sha: string; pushed: boolean };
    expect(out.pushed).toBe(true);
    expect(sh(fixture.bare, 'git', ['rev-parse', 'main'])).toBe(out.sha);
    expect(readFileSync(join(dir, 'factory.yaml'), 'utf8')).toMatch(/trust:\n {2}mode: warn/);
    const sig = await verifyCommitSignature(dir, out.sha, join(dir, 'trust', 'allowed_signers'));
    expect(sig).toMatchObject({ valid: true, principal: 'human:alice' });
    expect((await factoryctl(['validate'], { cwd: dir })).code).toBe(0);

    const gate = await factoryctl(['gate', 'dev', '--json'], { cwd: dir });
    expect(JSON.parse(gate.stdout).trust).toMatchObject({ mode: 'warn', trusted: out.sha, untrusted: null });
  });

  it.each([
    { situation: 'signers already exist', principal: 'human:bob' },
    { situation: 'a first signer that is not a human', principal: 'supervisor:big' },
  ])('exits 65 when $situation', async ({ principal }) => {
    const r = await factoryctl(['trust', 'init', '--key', `${alice.path}.pub`, '--principal', principal], { cwd: dir });
    expect(r.code).toBe(65);
  });
});
