// A factory wired to the contract-checked emulator and a real git server: the supervisor's clone,
// a human's and an agent's, and helpers to run the built CLI (one-shot or as a daemon) against them.
import { stopChild } from './stop-child.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BIN, factoryctl } from './cli.js';
import { makeControlRepo, sh, type ControlRepoFixture } from './control-repo.js';
import { startEmulator, type Emulator } from './emulator/index.js';
import { startGitServer, type GitServer } from './git-server.js';

export const APP = 'acme/app';
export const SECRET = 'webhook-test-secret';

export interface SuperviseFixture {
  emu: Emulator;
  git: GitServer;
  repo: ControlRepoFixture;
  supervisorDir: string;
  humanDir: string;
  agentDir: string;
  ciRepoId: number;
  env: NodeJS.ProcessEnv;
  /** the emulated servers' clock; undefined = the wall clock */
  clock: { at?: number };
  /** a file on main, as the server has it */
  onMain(path: string): string;
  mainSha(): string;
  commitsOnMain(): number;
  cli(dir: string, args: string[], opts?: { now?: number; timeoutMs?: number }): ReturnType<typeof factoryctl>;
  cleanup(): Promise<void>;
}

/** factory.yaml from the template, its forge and CI pointed at the emulator, `supervisor` given as YAML lines. */
export function factoryYaml(emu: Emulator, supervisorLines: string[]): string {
  const template = readFileSync(new URL('../../factory.yaml', import.meta.url), 'utf8');
  return template
    .replace('pullTimeout: 5s', 'pullTimeout: 2s')
    .replace(
      /^forges:\n.*\nci:\n.*$/m,
      [
        'forges:',
        `  emu: { type: forgejo, url: "${emu.forgejoUrl}", tokenEnv: FORGE_TOKEN }`,
        'ci:',
        `  wp: { type: woodpecker, url: "${emu.woodpeckerUrl}", tokenEnv: WP_TOKEN }`,
        'supervisor:',
        ...supervisorLines.map((l) => `  ${l}`),
      ].join('\n'),
    );
}

export async function startSuperviseFixture(
  supervisorLines: string[],
  edit: (yaml: string) => string = (y) => y,
): Promise<SuperviseFixture> {
  const clock: { at?: number } = {};
  const emu = await startEmulator({ now: () => clock.at ?? Date.now() });
  emu.forgejo.createRepo(APP);
  const ciRepoId = emu.woodpecker.createRepo(APP).id;
  const yaml = edit(factoryYaml(emu, ['requestTimeout: 1s', 'webhookSecretEnv: HOOK_SECRET', ...supervisorLines]));
  if (!yaml.includes('emu: {')) throw new Error('fixture: could not point factory.yaml at the emulator');
  const repo = makeControlRepo({
    factoryYaml: yaml,
    files: { [`repos/${APP}.yaml`]: `forge: emu\nci: { server: wp, repoId: ${ciRepoId} }\n` },
  });
  const git = await startGitServer(repo.srv);
  const url = `${git.url}control.git`;
  const [supervisorDir, humanDir, agentDir] = [
    await repo.clone('supervisor', url),
    await repo.clone('human', url),
    await repo.clone('agent', url),
  ];
  const env = { FORGE_TOKEN: emu.forgejoToken, WP_TOKEN: emu.woodpeckerToken, HOOK_SECRET: SECRET };
  return {
    emu,
    git,
    repo,
    supervisorDir: supervisorDir!,
    humanDir: humanDir!,
    agentDir: agentDir!,
    ciRepoId,
    env,
    clock,
    onMain: (path) => sh(repo.bare, 'git', ['show', `main:${path}`]),
    mainSha: () => sh(repo.bare, 'git', ['rev-parse', 'main']),
    commitsOnMain: () => Number(sh(repo.bare, 'git', ['rev-list', '--count', 'main'])),
    cli: (dir, args, opts = {}) =>
      factoryctl([...args, ...(opts.now !== undefined ? ['--now', new Date(opts.now).toISOString()] : [])], {
        cwd: dir,
        env,
        timeoutMs: opts.timeoutMs ?? 120_000,
      }),
    cleanup: async () => {
      await git.close();
      await emu.close();
      repo.cleanup();
    },
  };
}

export interface Daemon {
  child: ChildProcess;
  lines: string[];
  /** resolves with the first line matching, at most `timeoutMs` from now */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  /** SIGTERM, then the exit code; SIGKILL (and null) when it is still running `graceMs` later. */
  stop(graceMs?: number): Promise<number | null>;
}

/** `factoryctl supervise` as a long-running process, its stderr kept line by line. */
export function startDaemon(dir: string, args: string[], env: NodeJS.ProcessEnv): Daemon {
  const child = spawn(process.execPath, [BIN, 'supervise', ...args], {
    cwd: dir,
    env: { ...process.env, FACTORY_NODE: 'test-node', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  const onData = (d: string) => {
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters) w();
  };
  child.stderr!.setEncoding('utf8').on('data', onData);
  child.stdout!.setEncoding('utf8').on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    waitFor: (pattern, timeoutMs = 10_000, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.slice(from).find((l) => pattern.test(l));
          if (hit === undefined) return false;
          cleanup();
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`no line matching ${pattern} within ${timeoutMs} ms; the daemon said:\n${lines.join('\n')}`),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        const waiter = () => void check();
        if (!check()) waiters.add(waiter);
      }),
    stop: (graceMs) => stopChild(child, exited, graceMs),
  };
}

/** Polls `probe` until it returns a value, at most `timeoutMs`; returns it and how long it took. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
