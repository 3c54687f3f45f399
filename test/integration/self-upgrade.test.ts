import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { upgradeIfNeeded, type UpgradeOptions } from '../../src/adapters/upgrade/self-upgrade.js';
import { headBuild } from '../../src/adapters/upgrade/build.js';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
// The committed project, not the shared work tree: other engineers' half-written files stay out.
const COPIED = [
  'src',
  'scripts',
  'bin',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'factory.yaml',
  'factory-state',
  'repos',
  'schemas',
];
const IDENTITY = {
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.org',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.org',
};
const fixtures: string[] = [];

afterEach(() => {
  for (const dir of fixtures.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sh = (cwd: string, cmd: string, args: string[]) =>
  execFileSync(cmd, args, {
    cwd,
    env: { ...process.env, ...IDENTITY },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

/** A control repo holding this project at HEAD, built once by `npm run build` as an operator would. */
function controlRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'factoryctl-upgrade-'));
  fixtures.push(root);
  const dir = join(root, 'control');
  execFileSync('mkdir', [dir]);
  execFileSync('sh', ['-c', `git -C "$1" archive HEAD -- ${COPIED.join(' ')} | tar -x -C "$2"`, 'sh', PROJECT, dir]);
  symlinkSync(join(PROJECT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\ndist/\n.factoryctl/\n');
  sh(dir, 'git', ['init', '-q', '-b', 'main']);
  sh(dir, 'git', ['add', '-A']);
  sh(dir, 'git', ['commit', '-qm', 'control repo']);
  sh(dir, process.execPath, ['scripts/build.mjs']);
  return dir;
}

function commitEdit(dir: string, file: string, edit: (text: string) => string): void {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  sh(dir, 'git', ['commit', '-qam', `edit ${file}`]);
}

// The version `--version` prints is package.json's (bundled into the CLI).
const setVersion = (version: string) => (text: string) =>
  text.replace(/"version":(\s*)"[^"]*"/, `"version":$1"${version}"`);
const version = (dir: string) => sh(dir, process.execPath, ['bin/factoryctl.js', '--version']);

function recorder(): UpgradeOptions & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(m) };
}

describe('upgradeIfNeeded', () => {
  it('agrees with the build script on the identity: a fresh `npm run build` is current', async () => {
    const dir = controlRepo();
    const head = await headBuild(dir);
    expect(readFileSync(join(dir, 'dist/BUILD_ID'), 'utf8')).toBe(
      `${head.info.id}\n${head.info.parts.map((p) => `${p.path} ${p.oid}\n`).join('')}`,
    );
    expect(head.info.parts.map((p) => p.path)).toEqual([
      'package-lock.json',
      'package.json',
      'scripts/build.mjs',
      'src',
      'tsconfig.json',
    ]);
    const opts = recorder();
    expect(await upgradeIfNeeded(dir, opts)).toEqual({ status: 'current', from: head.info.id });
    // A change outside the build's inputs is no reason to rebuild.
    commitEdit(dir, 'factory.yaml', (t) => `${t}\n# a comment\n`);
    expect((await upgradeIfNeeded(dir, opts)).status).toBe('current');
    expect(opts.lines).toEqual([]);
  });

  it('builds a new version beside the running one, checks it, switches while the CLI keeps answering', async () => {
    const dir = controlRepo();
    const first = (await headBuild(dir)).info.id;
    expect(version(dir)).toBe('factoryctl 0.1.0');
    commitEdit(dir, 'package.json', setVersion('0.2.0-test'));
    const second = (await headBuild(dir)).info.id;

    // Callers running all along, as agents' gates do: each must get one whole build or the other.
    const calls = join(dir, '..', 'calls.txt');
    const stop = join(dir, '..', 'stop');
    const loop = spawn(
      'sh',
      [
        '-c',
        `while [ ! -e "$1" ]; do node bin/factoryctl.js --version >>"$2" 2>&1 || echo "exit $?" >>"$2"; done`,
        'sh',
        stop,
        calls,
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    const looped = new Promise((resolve) => loop.on('close', resolve));
    await waitFor(() => existsSync(calls) && readFileSync(calls, 'utf8').includes('0.1.0'));
    const opts = recorder();
    const result = await upgradeIfNeeded(dir, opts);
    await waitFor(() => readFileSync(calls, 'utf8').includes('0.2.0-test'));
    writeFileSync(stop, '');
    await looped;

    expect(result).toEqual({ status: 'upgraded', from: first, to: second });
    expect(version(dir)).toBe('factoryctl 0.2.0-test');
    const seen = readFileSync(calls, 'utf8').trim().split('\n');
    expect(seen.filter((line) => line !== 'factoryctl 0.1.0' && line !== 'factoryctl 0.2.0-test')).toEqual([]);
    // The plain build became a kept build, for rollback; the active one is in builds/ too.
    expect(readdirSync(join(dir, '.factoryctl/builds')).sort()).toEqual([first, second].sort());
    expect(readFileSync(join(dir, 'dist/BUILD_ID'), 'utf8').split('\n')[0]).toBe(second);
    expect(await upgradeIfNeeded(dir, opts)).toEqual({ status: 'current', from: second });
    expect(opts.lines.some((l) => l.includes(`to ${second}`))).toBe(true);
  });

  it('keeps two builds: after a third version the oldest is deleted', async () => {
    const dir = controlRepo();
    const ids = [(await headBuild(dir)).info.id];
    for (const v of ['0.2.0', '0.3.0']) {
      commitEdit(dir, 'package.json', setVersion(v));
      const result = await upgradeIfNeeded(dir, recorder());
      expect(result.status).toBe('upgraded');
      ids.push(result.to!);
      expect(version(dir)).toBe(`factoryctl ${v}`);
    }
    expect(readdirSync(join(dir, '.factoryctl/builds')).sort()).toEqual(ids.slice(1).sort());
    // The first build's files left in dist/ by `npm run build` went with it.
    expect(readdirSync(join(dir, 'dist')).sort()).toEqual(['BUILD_ID', 'cli.js', 'gate-early.cjs', 'gate.cjs']);
    // The node daemon's config worker is part of every build (bundled beside its cli.js).
    for (const id of ids.slice(1))
      expect(readdirSync(join(dir, '.factoryctl/builds', id))).toContain('config-worker.cjs');
    // The gate's own single-file bundle follows the switch too, and still answers.
    expect(sh(dir, process.execPath, ['bin/factoryctl.js', 'gate', 'supervisor', '--json'])).toContain('"run":true');
  });

  it('a TypeScript syntax error fails the build: the previous build keeps answering, the same source is not rebuilt', async () => {
    const dir = controlRepo();
    const first = (await headBuild(dir)).info.id;
    commitEdit(dir, 'src/cli.ts', (t) => t.replace('async function main(', 'async function main(((('));
    const broken = (await headBuild(dir)).info.id;
    const opts = recorder();
    const result = await upgradeIfNeeded(dir, opts);
    expect(result).toMatchObject({ status: 'failed', from: first, to: broken });
    expect(result.reason).toMatch(
      /^the build failed \(exit 1\): src\/cli\.ts:\d+:\d+: ERROR: Expected identifier but found "\("$/,
    );
    expect(version(dir)).toBe('factoryctl 0.1.0');
    expect(readdirSync(join(dir, '.factoryctl/builds'))).toEqual([]);

    const again = recorder();
    expect(await upgradeIfNeeded(dir, again)).toEqual({ ...result, cached: true });
    expect(again.lines).toEqual([]);

    // A fix is new source: it is built and switched to.
    commitEdit(dir, 'src/cli.ts', (t) => t.replace('async function main((((', 'async function main('));
    commitEdit(dir, 'package.json', setVersion('0.2.1'));
    expect((await upgradeIfNeeded(dir, recorder())).status).toBe('upgraded');
    expect(version(dir)).toBe('factoryctl 0.2.1');
    expect(existsSync(join(dir, '.factoryctl/upgrade-failed.json'))).toBe(false);
  });

  it('a build that fails its self-check is not switched to', async () => {
    const dir = controlRepo();
    // Builds fine, but the new CLI cannot answer `--version` as a factoryctl should.
    commitEdit(dir, 'src/cli.ts', (t) =>
      t.replace(
        /process\.stdout\.write\(\s*global\.json [^;]*\);\n(\s*)return EXIT\.OK;/,
        "process.stdout.write('oops\\n');\n$1return EXIT.SOFTWARE;",
      ),
    );
    const result = await upgradeIfNeeded(dir, recorder());
    expect(result.status).toBe('failed');
    expect(result.reason).toBe('self-check `--version` failed (exit 70): oops');
    expect(version(dir)).toBe('factoryctl 0.1.0');
    expect((await upgradeIfNeeded(dir, recorder())).cached).toBe(true);
  });

  it('an injected self-check sees the new build before the switch', async () => {
    const dir = controlRepo();
    commitEdit(dir, 'package.json', setVersion('0.4.0'));
    const checked: string[] = [];
    const result = await upgradeIfNeeded(dir, {
      log: () => undefined,
      runSelfCheck: async ({ cli }) => {
        checked.push(sh(dir, process.execPath, [cli, '--version']), version(dir));
        return { ok: false, reason: 'refused by the test' };
      },
    });
    expect(checked).toEqual(['factoryctl 0.4.0', 'factoryctl 0.1.0']);
    expect(result).toMatchObject({ status: 'failed', reason: 'refused by the test' });
  });

  it('a changed package-lock.json is installed with npm ci into its own cache, under a time bound', async () => {
    // A lock with no dependencies installs offline in a moment; without esbuild the build then fails.
    const bare = (dir: string) => {
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'factoryctl', version: '0.1.0', type: 'module' }),
      );
      writeFileSync(
        join(dir, 'package-lock.json'),
        JSON.stringify({
          name: 'factoryctl',
          version: '0.1.0',
          lockfileVersion: 3,
          requires: true,
          packages: { '': { name: 'factoryctl', version: '0.1.0' } },
        }),
      );
      sh(dir, 'git', ['commit', '-qam', 'no dependencies']);
    };
    const slow = controlRepo();
    bare(slow);
    expect(await upgradeIfNeeded(slow, { ...recorder(), installTimeoutMs: 1 })).toMatchObject({
      status: 'failed',
      reason: 'npm ci timed out',
    });
    expect(readdirSync(join(slow, '.factoryctl/deps'))).toEqual([]);

    const dir = controlRepo();
    bare(dir);
    const opts = recorder();
    // esbuild is still found: Node looks for packages upward too, and the control repo's own
    // node_modules is above the work directory. What this shows is where the install went.
    expect((await upgradeIfNeeded(dir, opts)).status).toBe('upgraded');
    expect(opts.lines[0]).toMatch(/^package-lock\.json changed: npm ci for build /);
    const lock = sh(dir, 'git', ['rev-parse', 'HEAD:package-lock.json']);
    expect(readdirSync(join(dir, '.factoryctl/deps'))).toEqual([lock]);
    expect(readdirSync(join(dir, '.factoryctl/deps', lock)).sort()).toEqual([
      'node_modules',
      'package-lock.json',
      'package.json',
    ]);

    // The next source change with the same lock reuses that install.
    commitEdit(dir, 'package.json', setVersion('0.7.0'));
    const next = recorder();
    expect((await upgradeIfNeeded(dir, next)).status).toBe('upgraded');
    expect(next.lines.filter((l) => l.includes('npm ci'))).toEqual([]);
    expect(version(dir)).toBe('factoryctl 0.7.0');
  });

  it("two calls at once: one upgrades, the other stands aside; a dead holder's lock is taken over", async () => {
    const dir = controlRepo();
    commitEdit(dir, 'package.json', setVersion('0.5.0'));
    const results = await Promise.all([upgradeIfNeeded(dir, recorder()), upgradeIfNeeded(dir, recorder())]);
    expect(results.map((r) => r.status).sort()).toEqual(['current', 'upgraded']);
    expect(results.find((r) => r.status === 'current')!.reason).toMatch(/^another upgrade is in progress \(pid \d+/);
    expect(version(dir)).toBe('factoryctl 0.5.0');
    expect(existsSync(join(dir, '.factoryctl/upgrade.lock'))).toBe(false);

    commitEdit(dir, 'package.json', setVersion('0.6.0'));
    const deadPid = Number(sh(dir, 'sh', ['-c', 'sh -c "echo \\$\\$"']));
    writeFileSync(
      join(dir, '.factoryctl/upgrade.lock'),
      JSON.stringify({ pid: deadPid, host: (await import('node:os')).hostname(), nonce: 'dead', at: Date.now() }),
    );
    expect((await upgradeIfNeeded(dir, recorder())).status).toBe('upgraded');
    expect(version(dir)).toBe('factoryctl 0.6.0');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
