// The real sampler in a real process inside a real 200 MiB memory cgroup: it measures against the
// limit, not the host, and sees a second process in the cgroup really take 100 MiB.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/domain/pressure/sample.js';
import { parseMeminfo } from '../../../src/adapters/node/proc-parse.js';
import { createMemoryCgroup, type TestMemoryCgroup } from '../../support/cgroup.js';

const MIB = 1024 * 1024;
const LIMIT_MB = 200;
const HOG_MB = 100;

// One sample per line read on stdin, printed as one line of JSON: the same sampler all along, as the daemon keeps it.
const CHILD = `import { createProcSampler } from './sampler.mjs';
import { createInterface } from 'node:readline';
const sampler = createProcSampler({ mounts: [] });
for await (const _ of createInterface({ input: process.stdin })) console.log(JSON.stringify(await sampler.sample()));
`;
// Really resident: Buffer.alloc's zeroed pages are not touched until written, fill writes every one.
const HOG = `const b = Buffer.alloc(${HOG_MB * MIB}); b.fill(1); console.log('allocated', b[b.length - 1]);
process.stdin.on('data', () => process.exit(0)); process.stdin.on('end', () => process.exit(0));`;

let dir: string;
let cgroup: TestMemoryCgroup | undefined;
const children: ChildProcess[] = [];

/** A line-reading view of a child's stdout: the next line, or a loud failure after `ms`. */
function lines(child: ChildProcess) {
  const queue: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else queue.push(line);
  });
  return (what: string, ms = 60_000) =>
    queue.length > 0
      ? Promise.resolve(queue.shift()!)
      : new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
          waiters.push((line) => {
            clearTimeout(timer);
            resolve(line);
          });
        });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sampler-cgroup-'));
  await build({
    entryPoints: [fileURLToPath(new URL('../../../src/adapters/node/sampler.ts', import.meta.url))],
    outfile: join(dir, 'sampler.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'child.mjs'), CHILD);
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  await cgroup?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('the sampler inside a memory cgroup (real cgroup, real processes)', () => {
  it('measures against the 200 MiB limit, and sees 100 MiB taken in the cgroup by another process', async () => {
    cgroup = createMemoryCgroup(LIMIT_MB * MIB); // throws, failing the test, when cgroups are not writable
    const sampler = cgroup.spawn(process.execPath, [join(dir, 'child.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(sampler);
    const next = lines(sampler);
    const sample = async (pauseMs = 0): Promise<Sample> => {
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs)); // a polling interval, not a wait for the event
      sampler.stdin!.write('\n');
      return JSON.parse(await next('sample')) as Sample;
    };

    const first = await sample();
    expect(cgroup.pids()).toContain(sampler.pid);
    const hostMb = parseMeminfo(readFileSync('/proc/meminfo', 'latin1')).memTotalMb;
    expect(hostMb).toBeGreaterThan(LIMIT_MB * 4); // the host is much larger: the figure below is the cgroup's
    expect(first.memTotalMb).toBeCloseTo(LIMIT_MB, 0);
    expect(first.memLimit).toEqual({ source: cgroup.version, path: cgroup.path, limitMb: LIMIT_MB });
    expect(cgroup.version).toBe('cgroup-v1'); // this machine's memory controller is on v1
    expect(first.memAvailableMb).toBeGreaterThan(LIMIT_MB - 60); // the sampler itself is all that runs there
    expect(first.memAvailableMb).toBeLessThan(LIMIT_MB);
    const before = (await sample()).memAvailableMb;

    const hog = cgroup.spawn(process.execPath, ['-e', HOG], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(hog);
    expect(await lines(hog)('allocation')).toBe('allocated 1');
    expect(cgroup.pids()).toContain(hog.pid);

    // Readings until the allocation shows (charged pages can lag the hog's line by a moment).
    const deadline = Date.now() + 60_000;
    let during = await sample();
    while (before - during.memAvailableMb < HOG_MB * 0.9) {
      if (Date.now() > deadline) throw new Error(`available stayed at ${during.memAvailableMb} MiB (before ${before})`);
      during = await sample(50);
    }
    const drop = before - during.memAvailableMb;
    expect(drop).toBeGreaterThanOrEqual(HOG_MB * 0.9);
    expect(drop).toBeLessThan(HOG_MB + 50); // the hog's 100 MiB and its own node runtime, nothing of the host's
    expect(during.memTotalMb).toBeCloseTo(LIMIT_MB, 0);
    console.log(
      `in a ${LIMIT_MB} MiB cgroup: available ${before} MiB, ${during.memAvailableMb} MiB with the hog (-${drop.toFixed(1)})`,
    );

    // Told to go, the hog's memory comes back.
    hog.stdin!.end('go\n');
    await once(hog, 'exit');
    let after = await sample();
    while (after.memAvailableMb < before - 20) {
      if (Date.now() > deadline + 60_000) throw new Error(`available stayed at ${after.memAvailableMb} MiB`);
      after = await sample(50);
    }
    expect(after.memAvailableMb).toBeGreaterThan(during.memAvailableMb + HOG_MB * 0.9);
  });
});
