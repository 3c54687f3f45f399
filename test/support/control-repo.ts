import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATE = fileURLToPath(new URL('../../', import.meta.url));

export function sh(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Async git for anything that talks to an in-process server: a sync call would block the server it waits for. */
export async function shAsync(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  return stdout.trim();
}

export const IDENTITY = {
  GIT_AUTHOR_NAME: 'Tester',
  GIT_AUTHOR_EMAIL: 't@example.org',
  GIT_COMMITTER_NAME: 'Tester',
  GIT_COMMITTER_EMAIL: 't@example.org',
};

export interface ControlRepoFixture {
  root: string;
  /** Directory served by the git server: `${root}/srv`, the bare repo is `control.git`. */
  srv: string;
  bare: string;
  clone(name: string, url: string): Promise<string>;
  cleanup(): void;
}

/**
 * A bare control repo made from this project's own template files (factory.yaml,
 * factory-state/), optionally with factory.yaml replaced, plus helpers to clone it.
 */
export function makeControlRepo(
  opts: { factoryYaml?: string; files?: Record<string, string> } = {},
): ControlRepoFixture {
  const root = mkdtempSync(join(tmpdir(), 'factoryctl-test-'));
  const seed = join(root, 'seed');
  mkdirSync(seed);
  cpSync(join(TEMPLATE, 'factory.yaml'), join(seed, 'factory.yaml'));
  cpSync(join(TEMPLATE, 'factory-state'), join(seed, 'factory-state'), { recursive: true });
  if (opts.factoryYaml) writeFileSync(join(seed, 'factory.yaml'), opts.factoryYaml);
  for (const [path, content] of Object.entries(opts.files ?? {})) {
    mkdirSync(join(seed, path, '..'), { recursive: true });
    writeFileSync(join(seed, path), content);
  }
  sh(seed, 'git', ['init', '-q', '-b', 'main']);
  sh(seed, 'git', ['add', '-A']);
  sh(seed, 'git', ['commit', '-qm', 'seed'], IDENTITY);
  const srv = join(root, 'srv');
  mkdirSync(srv);
  const bare = join(srv, 'control.git');
  sh(root, 'git', ['clone', '-q', '--bare', seed, bare]);
  sh(bare, 'git', ['config', 'http.receivepack', 'true']);
  return {
    root,
    srv,
    bare,
    async clone(name, url) {
      const dir = join(root, name);
      await shAsync(root, 'git', ['clone', '-q', url, dir]);
      sh(dir, 'git', ['config', 'user.name', name]);
      sh(dir, 'git', ['config', 'user.email', `${name}@example.org`]);
      return dir;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
