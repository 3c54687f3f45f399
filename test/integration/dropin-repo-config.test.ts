import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../support/emulator/index.js';

const PRESETS = fileURLToPath(new URL('../../repos/presets', import.meta.url));
const SLUG = 'acme/web';

/** A disinto-style project: master, a Woodpecker repository, plain values the agents read. */
function controlRepo(forgeUrl: string, ci: { url: string; repoId: number }, repoExtra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-dropin-'));
  cpSync(PRESETS, join(dir, 'repos/presets'), { recursive: true });
  mkdirSync(join(dir, 'repos/acme'), { recursive: true });
  writeFileSync(
    join(dir, 'factory.yaml'),
    [
      'version: 1',
      'name: disinto',
      'roles:',
      '  dev: { haltLevel: 1, heavy: true }',
      '  review: { haltLevel: 2 }',
      'nodes:',
      '  default: { roles: [dev, review], control: [halt-files] }',
      'forges:',
      `  emu: { type: forgejo, url: "${forgeUrl}/", tokenEnv: FORGE_TOKEN }`,
      'ci:',
      `  wp: { type: woodpecker, url: "${ci.url}", tokenEnv: WOODPECKER_TOKEN }`,
      'env:',
      '  names:',
      '    repo: FORGE_REPO',
      '    forgeUrl: FORGE_URL',
      '    primaryBranch: PRIMARY_BRANCH',
      '    ciRepoId: WOODPECKER_REPO_ID',
      '    name: PROJECT_NAME',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, `repos/${SLUG}.yaml`),
    [
      'extends: [factory-defaults]',
      'forge: emu',
      'primaryBranch: master',
      `ci: { server: wp, repoId: ${ci.repoId}, settings: { timeout: 90, requireApproval: pull_requests, configFile: .woodpecker/ } }`,
      'vars:',
      '  CLAUDE_MODEL: opus',
      '  MAX_TURNS: 40',
      repoExtra,
    ].join('\n'),
  );
  return dir;
}

describe('a repository config that fits an existing factory', () => {
  let emu: Emulator;
  let dir: string;
  let ci: { url: string; repoId: number };
  const env = () => ({ FORGE_TOKEN: emu.forgejoToken, WOODPECKER_TOKEN: emu.woodpeckerToken });
  beforeAll(async () => {
    emu = await startEmulator();
    emu.forgejo.createRepo(SLUG, { defaultBranch: 'master' });
    ci = { url: emu.woodpeckerUrl, repoId: emu.woodpecker.createRepo(SLUG).id };
    dir = controlRepo(emu.forgejoUrl, ci);
  });
  afterAll(async () => {
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (emu) await assertAllExchangesMatchSpec(emu);
  });

  it('validates, and config show gives each value with its origin; protection follows master', async () => {
    expect((await factoryctl(['validate'], { cwd: dir, env: env() })).code).toBe(0);
    const show = await factoryctl(['config', 'show', SLUG, '--json'], { cwd: dir, env: env() });
    expect(show.code).toBe(0);
    const text = show.stdout;
    expect(text).toContain('"primaryBranch"');
    expect(text).toContain('master');
    expect(text).toContain('repos/acme/web.yaml');
    const human = (await factoryctl(['config', 'show', SLUG], { cwd: dir, env: env() })).stdout;
    expect(human).toMatch(/primaryBranch: master # repos\/acme\/web\.yaml:\d+/);
    expect(human).toMatch(/- branch: master # repos\/presets\/factory-defaults\.yaml:\d+/);
    expect(human).toMatch(/CLAUDE_MODEL: opus # repos\/acme\/web\.yaml:\d+/);
  });

  it('env exports the names the agents read, and they work under set -euo pipefail', async () => {
    const r = await factoryctl(['env', SLUG], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    const script = `set -euo pipefail\n${r.stdout}\nprintf '%s|' "$FACTORY_REPO" "$FORGE_REPO" "$FORGE_URL" "$PRIMARY_BRANCH" "$WOODPECKER_REPO_ID" "$PROJECT_NAME" "$CLAUDE_MODEL" "$MAX_TURNS"`;
    expect(execFileSync('bash', ['-c', script], { encoding: 'utf8', env: {} })).toBe(
      `${SLUG}|${SLUG}|${emu.forgejoUrl}|master|${ci.repoId}|web|opus|40|`,
    );
  });

  it('reconciles twice: the first protects master and sets the Woodpecker settings, the second writes nothing', async () => {
    const plan = await factoryctl(['reconcile'], { cwd: dir, env: env() });
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain(
      `~ ci settings of woodpecker repository ${ci.repoId}: configFile "" -> ".woodpecker/"; timeout 60 -> 90; requireApproval "forks" -> "pull_requests"`,
    );
    const first = await factoryctl(['reconcile', '--apply', '--json'], { cwd: dir, env: env() });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect([...emu.forgejo.repo(SLUG).protections.keys()]).toEqual(['master']);
    expect(emu.woodpecker.repo(ci.repoId).settings).toEqual({
      timeout: 90,
      require_approval: 'pull_requests',
      config_file: '.woodpecker/',
    });
    const writes = emu.count({ writes: true });
    const second = await factoryctl(['reconcile', '--apply', '--json'], { cwd: dir, env: env() });
    expect(second.code).toBe(0);
    expect(emu.count({ writes: true })).toBe(writes);
    expect(writes).toBe(emu.count({ api: 'forgejo', writes: true }) + 1); // one PATCH of the Woodpecker repository
  });

  it('a Woodpecker server that refuses the token fails that repository, naming the settings', async () => {
    const r = await factoryctl(['reconcile', '--json'], { cwd: dir, env: { ...env(), WOODPECKER_TOKEN: 'wrong' } });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`settings of woodpecker repository ${ci.repoId}`);
  });

  it('a secret among the vars is refused by validate (exit 78)', async () => {
    const bad = controlRepo(emu.forgejoUrl, ci, '  API_TOKEN: 3f9c2a71b0e84d5c9a6e');
    try {
      const r = await factoryctl(['validate'], { cwd: bad, env: env() });
      expect(r.code).toBe(78);
      expect(r.stdout + r.stderr).toMatch(/repos\/acme\/web\.yaml:\d+:\d+: vars\.API_TOKEN/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
