import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoopRunner, type LoopEvent, type LoopRunner } from '../../../src/adapters/node/loop-runner.js';
import type { Assignment } from '../../../src/domain/assignments.js';
import { haltOverride, stateOfFrom } from '../../support/apply-fixture.js';
import { killProcessesMentioning } from '../../support/cleanup.js';

const M = 60_000;
let dir: string;
let runner: LoopRunner | undefined;
let events: LoopEvent[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'factoryctl-loop-'));
  events = [];
});
afterEach(async () => {
  await runner?.stopAll(500);
  runner = undefined;
  // An agent waits for its release file in `dir`: one a failed test left behind would wait forever.
  const left = killProcessesMentioning(dir);
  rmSync(dir, { recursive: true, force: true });
  expect(left, 'agents still running after stopAll').toEqual([]);
});

/** A real agent: records its environment, then runs until its release file appears (or ignores SIGTERM). */
function agent(id: string, opts: { ignoreTerm?: boolean; exitAt?: 'release' | 'once' } = {}): string {
  const name = id.replace('/', '_');
  const script = [
    `const fs=require('fs');`,
    `fs.writeFileSync(${JSON.stringify(join(dir, `${name}.`))}+process.pid, JSON.stringify(process.env));`,
    opts.ignoreTerm
      ? `process.on('SIGTERM',()=>fs.writeFileSync(${JSON.stringify(join(dir, `${name}.term`))},''));`
      : '',
    opts.exitAt === 'once'
      ? ''
      : `setInterval(()=>{ if (fs.existsSync(${JSON.stringify(join(dir, `${name}.release`))})) process.exit(0); }, 10);`,
  ].join('');
  return `'${process.execPath}' -e "${script.replaceAll('"', '\\"')}"`;
}
const runs = (id: string) =>
  readdirSync(dir).filter((f) => f.startsWith(`${id.replace('/', '_')}.`) && /\.\d+$/.test(f));
const release = (id: string) => writeFileSync(join(dir, `${id.replace('/', '_')}.release`), '');

async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const a = (id: string, command: string, intervalMs = 10 * M): Assignment => {
  const [role, repo] = id.split('@');
  return { id, role: role!, ...(repo ? { repo } : {}), command, intervalMs };
};

describe('loop runner with real child processes', () => {
  it('starts what is due, never a halted one, never a second copy; the next start is one interval after the last', async () => {
    let clock = 0;
    runner = createLoopRunner({
      now: () => clock,
      log: (e) => events.push(e),
      envFor: (x) => ({ REPO_TOKEN: `token-of-${x.repo}` }),
    });
    const list = [
      a('dev@o/a', agent('dev@o/a')),
      a('dev@o/b', agent('dev@o/b')),
      a('review@o/a', agent('review@o/a'), 5 * M),
    ];
    const stateOf = stateOfFrom('n1', { overrides: [haltOverride('dev', 'o/b')] });
    runner.update(list, stateOf);
    expect(events).toEqual([{ type: 'halted', id: 'dev@o/b', reason: 'paused by a human' }]);

    expect(runner.tick(0).started).toEqual(['dev@o/a', 'review@o/a']);
    await until('both agents ran', () => runs('dev@o/a').length === 1 && runs('review@o/a').length === 1);
    const env = JSON.parse(readFileSync(join(dir, runs('dev@o/a')[0]!), 'utf8')) as Record<string, string>;
    expect(env).toMatchObject({ FACTORY_ROLE: 'dev', FACTORY_REPO: 'o/a', REPO_TOKEN: 'token-of-o/a' });
    expect(
      runner
        .running()
        .map((r) => r.id)
        .sort(),
    ).toEqual(['dev@o/a', 'review@o/a']);

    // Overdue but still running: no second copy. Nothing else waits, so no due time.
    clock = 20 * M;
    expect(runner.tick(clock).started).toEqual([]);
    expect(runner.nextDueAt()).toBeUndefined();

    release('review@o/a');
    await until('review exited', () => events.some((e) => e.type === 'exited' && e.id === 'review@o/a'));
    expect(runner.nextDueAt()).toBe(5 * M);
    expect(runner.tick(clock).started).toEqual(['review@o/a']);
    expect(runs('dev@o/b')).toEqual([]);

    // Resume dev for o/b: it starts on the next tick.
    runner.update(list, stateOfFrom('n1'));
    expect(events.at(-1)).toMatchObject({ type: 'resumed', id: 'dev@o/b' });
    expect(runner.tick(clock).started).toEqual(['dev@o/b']);
  });

  it('a repository whose environment cannot be made is not started, and says why', () => {
    runner = createLoopRunner({
      now: () => 0,
      log: (e) => events.push(e),
      envFor: () => {
        throw new Error('o/a: no value for TOKEN');
      },
    });
    runner.update([a('dev@o/a', agent('dev@o/a'))], stateOfFrom('n1'));
    expect(runner.tick(0).started).toEqual([]);
    expect(events).toEqual([{ type: 'error', id: 'dev@o/a', message: 'not started: o/a: no value for TOKEN' }]);
    // Tried again one interval later, not on every tick.
    expect(runner.nextDueAt()).toBe(10 * M);
  });

  it('stopHalted: SIGTERM, then SIGKILL after the grace for an agent that ignores it; running ones of other roles are left alone', async () => {
    runner = createLoopRunner({ now: () => 0, log: (e) => events.push(e) });
    const list = [
      a('dev@o/a', agent('dev@o/a', { ignoreTerm: true })),
      a('dev@o/b', agent('dev@o/b')),
      a('review@o/a', agent('review@o/a')),
    ];
    runner.update(list, stateOfFrom('n1'));
    runner.tick(0);
    await until(
      'three agents ran',
      () => runs('dev@o/a').length + runs('dev@o/b').length + runs('review@o/a').length === 3,
    );

    runner.update(list, stateOfFrom('n1', { overrides: [haltOverride('dev')] }));
    expect((await runner.stopHalted(300)).sort()).toEqual(['dev@o/a', 'dev@o/b']);
    expect(existsSync(join(dir, 'dev@o_a.term'))).toBe(true);
    const stops = events.filter((e) => e.type === 'stopping');
    expect(stops).toEqual([
      { type: 'stopping', id: 'dev@o/a', signal: 'SIGTERM' },
      { type: 'stopping', id: 'dev@o/b', signal: 'SIGTERM' },
      { type: 'stopping', id: 'dev@o/a', signal: 'SIGKILL' },
    ]);
    // The agent (node under sh) is gone, not just the shell that started it.
    expect(runner.running().map((r) => r.id)).toEqual(['review@o/a']);
    for (const f of runs('dev@o/a')) expect(alive(Number(f.split('.').at(-1)))).toBe(false);
  });

  it('a run lasts until everything it started has exited, not just its shell: no second copy meanwhile', async () => {
    runner = createLoopRunner({ now: () => 0, log: (e) => events.push(e) });
    // The shell backgrounds the agent and exits at once, as some poll scripts do.
    runner.update([a('dev@o/a', `${agent('dev@o/a')} & exit 0`, M)], stateOfFrom('n1'));
    runner.tick(0);
    await until('shell exited', () => events.some((e) => e.type === 'exited'));
    await until('agent ran', () => runs('dev@o/a').length === 1);
    expect(runner.running().map((r) => r.id)).toEqual(['dev@o/a']);
    expect(runner.tick(2 * M).started).toEqual([]);
    release('dev@o/a');
    await until('group empty', () => runner!.running().length === 0);
    expect(runner.tick(2 * M).started).toEqual(['dev@o/a']);
  });

  it('an assignment taken away finishes its run and is not started again; stopAll stops the rest and starts nothing more', async () => {
    runner = createLoopRunner({ now: () => 0, log: (e) => events.push(e) });
    runner.update([a('dev@o/a', agent('dev@o/a'), M), a('review@o/a', agent('review@o/a'), M)], stateOfFrom('n1'));
    runner.tick(0);
    await until('two agents ran', () => runs('dev@o/a').length + runs('review@o/a').length === 2);
    runner.update([a('review@o/a', agent('review@o/a'), M)], stateOfFrom('n1'));
    expect(runner.running()).toHaveLength(2);
    release('dev@o/a');
    await until('dev exited', () => runner!.running().length === 1);
    expect(runner.tick(5 * M).started).toEqual([]);
    expect(await runner.stopAll(2000)).toEqual(['review@o/a']);
    expect(runner.running()).toEqual([]);
    expect(runner.tick(10 * M).started).toEqual([]);
    expect(runner.nextDueAt()).toBeUndefined();
  });

  it("appends an agent's output to its log file; first runs spread by id within the spread window", async () => {
    const log = join(dir, 'logs', 'dev@o__a.log');
    runner = createLoopRunner({
      now: () => 1000,
      log: (e) => events.push(e),
      logFile: () => log,
      firstRunSpreadMs: 30_000,
    });
    runner.update([a('dev@o/a', `echo out; echo err >&2`)], stateOfFrom('n1'));
    const due = runner.nextDueAt()!;
    expect(due).toBeGreaterThanOrEqual(1000);
    expect(due).toBeLessThan(31_000);
    expect(runner.tick(due - 1).started).toEqual([]);
    expect(runner.tick(due).started).toEqual(['dev@o/a']);
    await until('exited', () => events.some((e) => e.type === 'exited'));
    expect(readFileSync(log, 'utf8')).toBe('out\nerr\n');
  });
});

/** Zombies do not count: this container's init never reaps the orphans a killed group leaves. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
