import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcSampler } from '../../../src/adapters/node/sampler.js';
import type { Sample } from '../../../src/domain/pressure/sample.js';

const MIB = 1024 * 1024;
const started: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  // Each child leads its own process group: end the group we started, by its id.
  for (const child of started.splice(0))
    if (child.pid && child.exitCode === null)
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An agent script with a unique name; it starts `body` as its child and waits for it. */
function agentScript(name: string, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sampler-test-'));
  dirs.push(dir);
  const path = join(dir, `${name}-${process.pid}.sh`);
  writeFileSync(path, `#!/bin/sh\n${body} &\nwait\n`);
  chmodSync(path, 0o755);
  return path;
}

function start(command: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(command, args, { detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  started.push(child);
  return child;
}

async function sampleUntil(take: () => Promise<Sample>, done: (s: Sample) => boolean, what: string): Promise<Sample> {
  const deadline = Date.now() + 15_000;
  let last = await take();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for ${what}; last sample: ${JSON.stringify(last.agents)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await take();
  }
  return last;
}

describe('createProcSampler on this machine', () => {
  it('reads sane figures that agree with independent sources', async () => {
    const s = await createProcSampler({ mounts: ['/'] }).sample();
    expect(s.memTotalMb).toBeGreaterThan(0);
    expect(s.memAvailableMb).toBeGreaterThan(0);
    expect(s.memAvailableMb).toBeLessThanOrEqual(s.memTotalMb);
    expect(Math.abs(s.memAvailableMb - freemem() / MIB)).toBeLessThan(Math.max(256, s.memTotalMb * 0.05));
    expect(s.swapUsedMb).toBeGreaterThanOrEqual(0);
    expect(s.cores).toBe(cpus().length);
    expect(s.load1).toBeGreaterThanOrEqual(0);
    expect(s.problems).toBeUndefined();
    // This suite runs in an unlimited memory cgroup: the machine's figures, and the sampler says so.
    expect(s.memLimit).toEqual({ source: 'meminfo' });
    expect(Math.abs(s.memTotalMb - totalmem() / MIB)).toBeLessThan(1);
    expect(s.agents).toBeUndefined(); // no role commands: no process scan at all
    const dfUse = Number(/(\d+)%/.exec(execFileSync('df', ['-P', '/'], { encoding: 'utf8' }).split('\n')[1]!)![1]);
    expect(s.disks).toHaveLength(1);
    expect(Math.abs(s.disks[0]!.usedPercent - dfUse)).toBeLessThanOrEqual(1);
    expect(s.disks[0]!.freeMb).toBeGreaterThan(0);
  });

  it('reports CPU busy % from the second sample on, within 0-100', async () => {
    const sampler = createProcSampler({ mounts: [] });
    expect((await sampler.sample()).cpuBusyPercent).toBeUndefined();
    // /proc/stat advances in clock ticks: wait (burning CPU) until one has passed.
    const s = await sampleUntil(
      () => sampler.sample(),
      (x) => x.cpuBusyPercent !== undefined,
      'a clock tick',
    );
    expect(s.cpuBusyPercent).toBeGreaterThanOrEqual(0);
    expect(s.cpuBusyPercent).toBeLessThanOrEqual(100);
  });

  it('counts a spawned agent for its role, with the memory of the process tree it starts', async () => {
    const script = agentScript(
      'fake-dev',
      `node -e "globalThis.b = Buffer.alloc(${200 * MIB}, 1); setInterval(() => {}, 1000)"`,
    );
    const sampler = createProcSampler({
      mounts: ['/'],
      roleCommands: { dev: `nice -n 5 ${script} --repo a/b`, review: './fake-review-none.sh', idle: undefined },
    });
    expect((await sampler.sample()).agents).toEqual({ dev: { count: 0, rssMb: 0 }, review: { count: 0, rssMb: 0 } });
    start(script);
    const s = await sampleUntil(
      () => sampler.sample(),
      (x) => (x.agents?.dev?.rssMb ?? 0) >= 200,
      'the agent and its 200 MB child',
    );
    expect(s.agents!.dev!.count).toBe(1);
    expect(s.agents!.dev!.rssMb).toBeLessThan(400);
    expect(s.agents!.review).toEqual({ count: 0, rssMb: 0 });
  });

  it("measures each repository's runs apart, by the FACTORY_REPO its crontab line or loop runner gave it", async () => {
    const script = agentScript(
      'fake-dev-repos',
      `node -e "globalThis.b = Buffer.alloc(\${FAKE_MB:-1} * ${MIB}, 1); setInterval(() => {}, 1000)"`,
    );
    const sampler = createProcSampler({ mounts: [], roleCommands: { dev: script } });
    start(script, [], { FACTORY_REPO: 'o/big', FAKE_MB: '200' });
    start(script, [], { FACTORY_REPO: 'o/small' });
    const s = await sampleUntil(
      () => sampler.sample(),
      (x) => (x.agents?.dev?.repos?.['o/big']?.rssMb ?? 0) >= 200 && x.agents?.dev?.repos?.['o/small']?.count === 1,
      "o/big's 200 MB run and o/small's run",
    );
    expect(s.agents!.dev!.count).toBe(2);
    expect(s.agents!.dev!.repos!['o/big']!.count).toBe(1);
    expect(s.agents!.dev!.repos!['o/small']!.rssMb).toBeLessThan(150);
    expect(s.agents!.dev!.rssMb).toBeCloseTo(
      s.agents!.dev!.repos!['o/big']!.rssMb + s.agents!.dev!.repos!['o/small']!.rssMb,
      0,
    );
  });

  it('counts each run once, whether started directly or through a cron-style sh -c, and forgets runs that ended', async () => {
    const script = agentScript('fake-review', 'sleep 60');
    const sampler = createProcSampler({ mounts: [], roleCommands: { review: script } });
    const direct = start(script);
    start('/bin/sh', ['-c', `${script}; true`]);
    await sampleUntil(
      () => sampler.sample(),
      (x) => x.agents?.review?.count === 2,
      'two review runs',
    );
    process.kill(-direct.pid!, 'SIGKILL');
    await sampleUntil(
      () => sampler.sample(),
      (x) => x.agents?.review?.count === 1,
      'one review run left',
    );
  });

  it('never rejects: an unreadable mount or /proc becomes missing figures and a stated problem', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sampler-test-proc-'));
    dirs.push(empty);
    const s = await createProcSampler({
      mounts: ['/no/such/mount'],
      procRoot: empty,
      roleCommands: { dev: './dev-poll.sh' },
      now: () => 42,
    }).sample();
    expect(s).toMatchObject({ at: 42, disks: [], agents: { dev: { count: 0, rssMb: 0 } } });
    expect([s.memAvailableMb, s.memTotalMb, s.swapUsedMb, s.load1, s.cores].every(Number.isNaN)).toBe(true);
    expect(s.problems).toEqual([
      expect.stringContaining('/meminfo'),
      expect.stringContaining('/loadavg'),
      expect.stringContaining('/stat'),
      expect.stringContaining('statfs /no/such/mount'),
    ]);
  });
});
