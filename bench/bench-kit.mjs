// Small helpers the multi-process benches share: a frozen copy of the build, medians, bounded
// waits, a child process whose output is kept as lines, and a cleanup stack that also runs on
// SIGINT/SIGTERM, so an interrupted bench leaves no daemon, server or temporary folder behind.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A frozen copy of the build, so another engineer's `npm run build` cannot swap dist/ mid-run; returns its bin. */
export function snapshotApp(tmp) {
  if (!existsSync(join(root, 'dist', 'cli.js')))
    throw new Error('dist/ is missing: run `npm run build` (or `npm run bench`)');
  const app = join(tmp, 'app');
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(root, part), join(app, part), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(app, 'node_modules'));
  return join(app, 'bin', 'factoryctl.cjs');
}

/**
 * A ref's sha on a bare repo, from the file a push writes (else packed-refs): no process, so it can
 * be polled every millisecond, and it never blocks a server that shares this event loop.
 */
export function refSha(bare, ref) {
  try {
    return readFileSync(join(bare, ref), 'utf8').trim();
  } catch {
    const packed = readFileSync(join(bare, 'packed-refs'), 'utf8');
    return packed
      .split('\n')
      .find((l) => l.endsWith(` ${ref}`))
      ?.split(' ')[0];
  }
}

/** Polls `check` every `everyMs` until it returns a truthy value (returned), or throws after `withinMs`. */
export async function waitUntil(check, withinMs, what, everyMs = 5) {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${withinMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Cleanup steps run last-in first-out, each even when another fails; `run` also on SIGINT/SIGTERM
 * (then the process exits 130). `unwind(mark())` runs only the steps pushed since the mark: a part
 * of the bench cleans up after itself, and an interrupt still finds every step on the one stack.
 */
export function cleanupStack() {
  const steps = [];
  // One unwind at a time: the bench's own `finally` waits for an interrupt's unwind to end.
  let unwinding = Promise.resolve();
  const unwind = (mark = 0) =>
    (unwinding = unwinding.then(async () => {
      for (const step of steps.splice(mark).reverse()) {
        try {
          await step();
        } catch (error) {
          console.error(`cleanup: ${error.message}`);
        }
      }
    }));
  const onSignal = () => unwind().finally(() => process.exit(130));
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  return {
    push: (step) => steps.push(step),
    mark: () => steps.length,
    unwind,
    async run() {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      await unwind();
    },
  };
}

/**
 * A child whose stdout and stderr are kept as lines; `waitFor` resolves with the first line
 * matching (from line `from` on) within a bound; `stop` SIGTERMs, then SIGKILLs after `graceMs`.
 */
export function watchChild(child) {
  const lines = [];
  const waiters = new Set();
  let partial = '';
  const onData = (d) => {
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop();
    lines.push(...parts);
    for (const w of waiters) w();
  };
  child.stdout?.setEncoding('utf8').on('data', onData);
  child.stderr?.setEncoding('utf8').on('data', onData);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    lines,
    exited,
    waitFor: (pattern, withinMs, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.slice(from).find((l) => pattern.test(l));
          if (hit === undefined) return false;
          done();
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no line matching ${pattern} within ${withinMs} ms; it said:\n${lines.join('\n')}`));
        }, withinMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        if (!check()) waiters.add(check);
      }),
    async stop(graceMs = 20_000) {
      if (gone()) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Runs the factoryctl at `bin` to its end; rejects on a non-zero exit unless `allow` lists it. */
export function factoryctl(bin, args, { cwd, env, timeoutMs = 60_000, allow = [0] }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (allow.includes(code)) resolve({ code, stdout, stderr });
      else reject(new Error(`factoryctl ${args.join(' ')} exited ${code}: ${stderr.trim()} ${stdout.trim()}`.trim()));
    });
  });
}
