// Runs a command while it holds one of N slots: flock(1) advisory locks on slot files. The lock's
// file descriptor is inherited by the command, so the kernel frees the slot when the command and
// flock are gone, kill -9 included; nothing is ever cleaned up by hand.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** flock's answer when a slot is taken (-E): chosen to be unlike any agent's own exit code. */
const BUSY = 197;

/** A cap: `count` slot files in `dir`; the command needs one slot of every cap. */
export interface SlotCap {
  dir: string;
  count: number;
  what: string;
}

export type SlotRun = { kind: 'ran'; code: number } | { kind: 'full'; cap: SlotCap };

/** Every way to hold one slot of each cap, the lowest slots first. */
function combinations(caps: readonly SlotCap[]): string[][] {
  return caps.reduce<string[][]>(
    (acc, cap) =>
      acc.flatMap((files) => Array.from({ length: cap.count }, (_, i) => [...files, join(cap.dir, `${i}`)])),
    [[]],
  );
}

/** Tries one combination: resolves 'busy' when a lock is taken, else the command's exit code. */
function attempt(files: string[], command: string[]): Promise<'busy' | number> {
  const locks = files.flatMap((f) => ['flock', '-n', '-E', String(BUSY), f]);
  // fd 3 tells us the locks are held and the command starts; it is closed before the command runs.
  const start = ['sh', '-c', 'printf . >&3; exec 3>&-; exec "$@"', 'sh', ...command];
  const [bin, ...args] = [...locks, ...start];
  return new Promise((resolve, reject) => {
    const child = spawn(bin!, args, { stdio: ['inherit', 'inherit', 'inherit', 'pipe'] });
    let started = false;
    const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
    const handlers = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    child.stdio[3]!.on('data', () => (started = true)).on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      if (!started && code === BUSY) resolve('busy');
      else resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 1;
}

/** Runs `command` holding one slot of every cap, or says which cap is full. */
export async function runInSlot(caps: readonly SlotCap[], command: string[]): Promise<SlotRun> {
  for (const cap of caps) mkdirSync(cap.dir, { recursive: true });
  for (const files of combinations(caps)) {
    const result = await attempt(files, command);
    if (result !== 'busy') return { kind: 'ran', code: result };
  }
  for (const cap of caps) if (!(await anyFree(cap))) return { kind: 'full', cap };
  return { kind: 'full', cap: caps[caps.length - 1]! }; // freed meanwhile: still a refusal, the next poll runs
}

async function anyFree(cap: SlotCap): Promise<boolean> {
  for (let i = 0; i < cap.count; i++) if ((await attempt([join(cap.dir, `${i}`)], ['true'])) !== 'busy') return true;
  return false;
}
