import { stopChild } from './stop-child.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { BIN } from './cli.js';

/** factory.yaml for node tests: the template's three roles on one node, with the policy and control a test gives. */
export function nodeFactoryYaml(opts: {
  policy: Record<string, unknown>;
  control?: string[];
  telemetry?: Record<string, unknown>;
  pullTimeout?: string;
}): string {
  return stringify({
    version: 1,
    name: 'node-test',
    gate: { pullTimeout: opts.pullTimeout ?? '2s', maxStaleness: '15m' },
    roles: {
      dev: { haltLevel: 1, heavy: true, command: './dev-poll.sh', schedule: { min: '2m', max: '30m' } },
      review: { haltLevel: 2, command: './review-poll.sh', schedule: { min: '2m', max: '30m' } },
      supervisor: { protected: true, schedule: { min: '1m', max: '15m' } },
    },
    nodes: { default: { roles: ['dev', 'review', 'supervisor'], control: opts.control ?? ['halt-files'] } },
    policy: opts.policy,
    ...(opts.telemetry ? { telemetry: opts.telemetry } : {}),
  });
}

/** MemAvailable of this machine now, in MiB. */
export function memAvailableMb(): number {
  const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  if (!match) throw new Error('no MemAvailable in /proc/meminfo');
  return Number(match[1]) / 1024;
}

/** Polls `check` every 50 ms until it is truthy; fails with `what` and the last value after `withinMs` (a bound
 * for a hung process, sized for a 2-core box with both cores busy: not a speed claim). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, withinMs = 90_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = undefined;
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${withinMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface RunningNode {
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then the exit code; SIGKILL (and null) when it is still running `graceMs` later. */
  stop(graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

/** `factoryctl node` as a daemon process. */
export function startNode(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): RunningNode {
  const child = spawn(process.execPath, [BIN, 'node', ...args], {
    cwd: opts.cwd,
    env: { ...process.env, FACTORY_NODE: 'test-node', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    exited,
    stop: (graceMs) => stopChild(child, exited, graceMs),
  };
}

export interface MemoryHog {
  pid: number;
  free(): Promise<void>;
}

/** A process that really allocates `mb` MiB and touches every page, holding it until freed. */
export async function allocate(mb: number): Promise<MemoryHog> {
  const script = `
    const held = [];
    for (let i = 0; i < ${Math.ceil(mb / 64)}; i++) held.push(Buffer.allocUnsafe(64 * 1024 * 1024).fill(i + 1));
    process.stdout.write('ready\\n');
    // Held until stdin closes: freed, or the test worker died without freeing it.
    process.stdin.on('close', () => process.exit(0)).resume();
    setInterval(() => held.length, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => d.includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`memory hog exited ${code} before it was ready`)));
  });
  return {
    pid: child.pid!,
    free: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
