import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { nodeFactoryYaml, waitFor } from '../support/node-fixture.js';
import { groupMembers, signalGroup } from '../../src/adapters/process/process-group.js';
import { cleanupAll } from '../support/cleanup.js';
import { holdRootCrontab, readRoot, writeRoot } from '../support/root-crontab.js';

const SEED = Number(process.env.FAULT_SEED ?? 0x5eed3);
const KILLS = 24;
const REPOS = 12;
const USER_LINES = '# my own jobs\n*/7 * * * * /bin/true --users-job\n';

/** mulberry32: a seeded stream, so a failing kill schedule can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const overridesYaml = (haltDev: boolean) =>
  haltDev
    ? 'overrides:\n  - { role: dev, action: halt, reason: fault test, by: alice, since: "2025-06-01T12:00:00Z" }\n'
    : 'overrides: []\n';

/** A bound on every wait for something the daemon does (not a timing: it fails the test, loudly). */
const WAIT_MS = 60_000;
const MAX_COMMITS = 10; // telemetry.maxCommits: the least there is, so that compactions are frequent
/** More rounds, aimed at a phase no kill has landed in yet, before the test gives up on it. */
const MAX_EXTRA = 8;
const STARTED = /^factoryctl node: started: /; // its first cycle is done (its journal of it is logged after it)
const COMPACTING = /^factoryctl node: telemetry: compacting \(/; // telemetry-branch.ts, before the compaction's work
const COMPACTED = /^factoryctl node: telemetry branch compacted into one commit/; // after it (its gc and prune included)
const roleLine = (haltDev: boolean) =>
  haltDev ? /^factoryctl node: role-halted dev: / : /^factoryctl node: role-resumed dev: /;

/**
 * Where a round aims its kill, by what it observes (never by the clock): after `flips` flips of
 * dev's override, each seen applied in the daemon's journal, then
 * - cycle: upon the `count`-th decision.json the daemon writes (a cycle's records, anywhere in its loop);
 * - halt files: one more flip, upon the `count`-th change in the halt directory;
 * - crontab: one more flip, upon the daemon staging its new table (the install is next);
 * - telemetry commit: one more flip, upon its journal of it (logged once applied; the change's commit is under way);
 * - compaction: flip after flip until the journal says a compaction started.
 */
type Aim = { at: 'cycle' | 'halt files' | 'crontab' | 'telemetry commit' | 'compaction'; flips: number; count: number };
const AIMS: Aim['at'][] = ['cycle', 'halt files', 'crontab', 'telemetry commit', 'compaction'];
/** Where a kill landed, as observed afterwards: the first step of the last flip's apply it left unfinished. */
type Phase = 'before the apply' | 'halt files' | 'crontab' | 'telemetry commit' | 'after the commit';
/** The fault points the test covers: it fails unless a kill was seen to land in each (the cycle aim only adds variety). */
const REQUIRED: Array<{ phase: Phase | 'compaction'; aim: Aim['at'] }> = [
  { phase: 'halt files', aim: 'halt files' },
  { phase: 'crontab', aim: 'crontab' },
  { phase: 'telemetry commit', aim: 'telemetry commit' },
  { phase: 'compaction', aim: 'compaction' },
];

function aim(random: () => number, at: Aim['at']): Aim {
  const flips = at === 'compaction' ? 0 : Math.floor(random() * 2);
  const count = at === 'cycle' ? 1 + Math.floor(random() * 5) : at === 'halt files' ? 1 + Math.floor(random() * 6) : 1;
  return { at, flips, count };
}

/**
 * How many rounds aim where (KILLS in all). A compaction needs some ten telemetry commits: its
 * rounds are the long ones, and a few are enough (the others cut compactions now and then too).
 */
const QUOTA: Record<Aim['at'], number> = {
  cycle: 4,
  'halt files': 6,
  crontab: 6,
  'telemetry commit': 5,
  compaction: 3,
};

/** The seeded schedule: the quotas' aims in a seeded order. */
function schedule(random: () => number): Aim[] {
  const ats = AIMS.flatMap((at) => Array.from({ length: QUOTA[at] }, () => at));
  for (let i = ats.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ats[i], ats[j]] = [ats[j]!, ats[i]!];
  }
  return ats.map((at) => aim(random, at));
}

/** Rejects after `ms` with `message` (its timer cleared once `p` settles): a bound on a wait. */
function bounded<T>(p: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

type Waiter = { from: number; match: RegExp; resolve: (index: number) => void; reject: (error: Error) => void };

/** The daemon's stderr (its journal), line by line, and waits for the lines the test aims by. */
class Journal {
  readonly lines: string[] = [];
  readonly closed: Promise<void>;
  private partial = '';
  private ended = false;
  private waiters = new Set<Waiter>();

  constructor(stream: Readable) {
    stream.setEncoding('utf8').on('data', (d: string) => this.feed(d));
    this.closed = new Promise((resolve) => stream.on('close', resolve)).then(() => {
      this.ended = true;
      if (this.partial) this.lines.push(this.partial);
      for (const w of this.waiters) w.reject(new Error("the daemon's stderr ended"));
      this.waiters.clear();
    });
  }

  text(): string {
    return this.lines.join('\n');
  }

  /** The index of the first line from `from` on matching `match`; fails loudly after `withinMs` or when the stderr ends. */
  wait(what: string, match: RegExp, from = 0, withinMs = WAIT_MS): Promise<number> {
    const found = this.lines.findIndex((line, i) => i >= from && match.test(line));
    if (found >= 0) return Promise.resolve(found);
    if (this.ended) return Promise.reject(new Error(`the daemon's stderr ended before ${what}:\n${this.text()}`));
    let waiter!: Waiter;
    const seen = new Promise<number>((resolve, reject) => (waiter = { from, match, resolve, reject }));
    this.waiters.add(waiter);
    const p = (
      withinMs === Infinity
        ? seen
        : bounded(seen, withinMs, () => `no ${what} within ${withinMs} ms; the daemon wrote:\n${this.text()}`)
    ).finally(() => this.waiters.delete(waiter));
    p.catch(() => undefined); // a wait the round no longer needs (it killed on another) must not be an unhandled rejection
    return p;
  }

  private feed(d: string): void {
    const parts = (this.partial + d).split('\n');
    this.partial = parts.pop()!;
    for (const line of parts) {
      const index = this.lines.push(line) - 1;
      for (const w of this.waiters) if (index >= w.from && w.match.test(line)) w.resolve(index);
    }
  }
}

/** Resolves upon the `count`-th change seen in `dir` (watched from now on) to a name `accept` takes; bounded. */
function changesIn(
  dir: string,
  what: string,
  accept: (name: string) => boolean,
  count = 1,
): { seen: Promise<void>; close(): void } {
  let close = () => undefined as void;
  const seen = new Promise<void>((resolve) => {
    let n = 0;
    const watcher = watch(dir, (_, name) => {
      if (name !== null && accept(name) && ++n === count) resolve();
    });
    close = () => watcher.close();
  });
  const p = bounded(seen, WAIT_MS, () => `no ${what} in ${dir} within ${WAIT_MS} ms`).finally(close);
  p.catch(() => undefined);
  return { seen: p, close };
}

describe('kill -9 of the node daemon at observed points', () => {
  let crontab: Awaited<ReturnType<typeof holdRootCrontab>>;
  let fixture: ControlRepoFixture;
  let dir: string;
  let env: { FACTORY_RUN_DIR: string; FACTORY_STATE_DIR: string; TMPDIR: string };

  beforeAll(async () => {
    crontab = await holdRootCrontab();
    writeRoot(USER_LINES);
    const repos = Object.fromEntries(
      Array.from({ length: REPOS }, (_, i) => [
        `repos/org/r${String(i).padStart(2, '0')}.yaml`,
        'forge: codeberg\nagents: { dev: {}, review: {} }\n',
      ]),
    );
    const yaml = nodeFactoryYaml({
      policy: { sampleInterval: '100ms', hold: '0s', mounts: ['/'] },
      control: ['halt-files', 'crontab'],
      // A large history and the least commit bound make the branch compact often: compactions and gc get killed too.
      telemetry: { heartbeat: '500ms', maxBranchKiB: 64, keepSamples: 3000, maxCommits: MAX_COMMITS },
    });
    fixture = makeControlRepo({
      factoryYaml: `${yaml}forges:\n  codeberg: { type: forgejo, url: https://codeberg.org, tokenEnv: CODEBERG_TOKEN }\n`,
      files: repos,
    });
    dir = await fixture.clone('node', fixture.bare);
    // TMPDIR inside the fixture: the scratch index folders a killed daemon leaves go with it.
    env = {
      FACTORY_RUN_DIR: join(fixture.root, 'run'),
      FACTORY_STATE_DIR: join(fixture.root, 'state'),
      TMPDIR: join(fixture.root, 'tmp'),
    };
    mkdirSync(env.TMPDIR);
  });
  // The daemon of the current round: a failed or timed-out round must not leave its group running.
  let running: number | undefined;
  afterAll(() =>
    cleanupAll([
      async () => {
        if (running === undefined) return;
        signalGroup(running, 'SIGKILL');
        await waitFor('the last daemon group gone', () => groupMembers(running!).length === 0, 10_000);
      },
      () => fixture?.cleanup(),
      () => crontab?.release(),
    ]),
  );

  /** Nothing half-written: what a reader (an agent, cron, the supervisor) may see right after the kill. */
  function checkNothingTorn(round: number): void {
    const haltDir = join(env.FACTORY_RUN_DIR, 'halt');
    for (const name of existsSync(haltDir) ? readdirSync(haltDir) : []) {
      if (name.startsWith('.') && name.endsWith('.tmp')) continue; // a temporary file, never read as a halt; the next apply removes it
      expect(() => JSON.parse(readFileSync(join(haltDir, name), 'utf8')), `round ${round}: halt/${name}`).not.toThrow();
    }
    for (const file of ['decision.json', 'pressure-state.json', 'roles.json']) {
      const path = join(env.FACTORY_RUN_DIR, file);
      if (existsSync(path))
        expect(() => JSON.parse(readFileSync(path, 'utf8')), `round ${round}: ${file}`).not.toThrow();
    }
    const table = readRoot();
    expect(table.match(/^# BEGIN factoryctl/gm) ?? [], `round ${round}: one block`).toHaveLength(1);
    expect(table.match(/^# END factoryctl/gm) ?? [], `round ${round}: one block`).toHaveLength(1);
    expect(table).toContain(USER_LINES.trim());
    sh(dir, 'git', ['fsck', '--no-dangling', '--no-progress']);
    const tip = sh(dir, 'git', ['rev-parse', '--verify', '--quiet', 'refs/heads/telemetry/test-node']);
    expect(
      JSON.parse(sh(dir, 'git', ['show', `${tip}:decision.json`])),
      `round ${round}: telemetry decision.json`,
    ).toMatchObject({ node: 'test-node' });
  }

  it(`leaves nothing half-written after ${KILLS} kills or more (seed ${SEED}), each aimed by what the daemon did, and a restart applies the right state`, async () => {
    const random = prng(SEED);
    expect(Object.values(QUOTA).reduce((a, b) => a + b)).toBe(KILLS);
    let haltDev = false;
    let compactions = 0;
    let commits = 0;
    const haltDir = join(env.FACTORY_RUN_DIR, 'halt');
    const count = () => Number(sh(dir, 'git', ['rev-list', '--count', 'refs/heads/telemetry/test-node']));
    const stagedTables = () => readdirSync(env.TMPDIR).filter((n) => n.startsWith('factoryctl-crontab.'));
    writeFileSync(join(dir, 'factory-state/overrides.yaml'), overridesYaml(haltDev));
    const first = await factoryctl(['node', '--once'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    mkdirSync(haltDir, { recursive: true });

    /** Where the kill landed: the last flip's apply as far as it got (halt files, crontab, telemetry), and whether a compaction was cut. */
    function landing(
      journal: Journal,
      stagedBefore: string[],
    ): { phase: Phase; compaction?: 'before its ref moved' | 'after its ref moved' } {
      const names = readdirSync(haltDir);
      const halts = {
        flag: names.includes('dev'),
        repos: names.filter((n) => n.startsWith('dev@')).length,
        active: existsSync(join(env.FACTORY_STATE_DIR, '.dev-active')),
      };
      const temp = names.some((n) => n.startsWith('.') && n.endsWith('.tmp'));
      const is = (halted: boolean) =>
        !temp && halts.flag === halted && halts.repos === (halted ? REPOS : 0) && halts.active === !halted;
      const devLines = readRoot()
        .split('\n')
        .filter((l) => l.includes("gate 'dev'"));
      const cronDone =
        devLines.length === REPOS &&
        devLines.every((l) => l.startsWith('#') === haltDev) &&
        stagedTables().every((n) => stagedBefore.includes(n));
      const tip = sh(dir, 'git', ['rev-parse', 'refs/heads/telemetry/test-node']);
      const committed =
        JSON.parse(sh(dir, 'git', ['show', `${tip}:roles.json`])).dev.state === (haltDev ? 'halt' : 'run');
      const phase: Phase = is(!haltDev)
        ? 'before the apply'
        : !is(haltDev)
          ? 'halt files'
          : !cronDone
            ? 'crontab'
            : !committed
              ? 'telemetry commit'
              : 'after the commit';
      const started = journal.lines.findLastIndex((l) => COMPACTING.test(l));
      if (started < 0 || journal.lines.slice(started).some((l) => COMPACTED.test(l))) return { phase };
      // Cut mid-compaction: its journal said it began and never that it ended. Its root commit on the ref says the ref had moved (gc and prune were running).
      const moved =
        sh(dir, 'git', ['rev-list', '--count', tip]) === '1' &&
        sh(dir, 'git', ['log', '-1', '--format=%s', tip]).includes('compacted');
      return { phase, compaction: moved ? 'after its ref moved' : 'before its ref moved' };
    }

    async function round(round: number, aim: Aim): Promise<ReturnType<typeof landing>> {
      const stagedBefore = stagedTables();
      // Its own process group, as systemd's cgroup: kill -9 takes the git and crontab children it has running too.
      const daemon = spawn(process.execPath, [BIN, 'node'], {
        cwd: dir,
        env: { ...process.env, FACTORY_NODE: 'test-node', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
      running = daemon.pid;
      const journal = new Journal(daemon.stderr!);
      const exited = new Promise((resolve) => daemon.on('exit', resolve));
      /** Flips dev's override; resolves once the daemon's journal says the flip was applied (halt files and crontab done). */
      const flip = () => {
        const from = journal.lines.length;
        haltDev = !haltDev;
        writeFileSync(join(dir, 'factory-state/overrides.yaml'), overridesYaml(haltDev));
        return journal.wait(`dev ${haltDev ? 'halted' : 'resumed'} (round ${round})`, roleLine(haltDev), from);
      };
      // From its first line on: a compaction can begin in its first cycle (a predecessor killed before its compaction's ref moved).
      // Bounded by the flips that wait for it, or by the end of the daemon's stderr.
      const compacting = journal.wait(`a compaction (round ${round})`, COMPACTING, 0, Infinity);
      let compactionSeen = false;
      void compacting.then(
        () => (compactionSeen = true),
        () => undefined,
      );
      const watches: Array<{ close(): void }> = [];
      try {
        await Promise.race([
          journal.wait(`its first cycle (round ${round})`, STARTED),
          ...(aim.at === 'compaction' ? [compacting] : []),
        ]);
        for (let f = 0; f < aim.flips; f++) await flip();
        if (aim.at === 'cycle') {
          const cycles = changesIn(env.FACTORY_RUN_DIR, 'decision.json write', (n) => n === 'decision.json', aim.count);
          watches.push(cycles);
          await cycles.seen;
        } else if (aim.at === 'halt files') {
          const changes = changesIn(haltDir, 'halt file change', () => true, aim.count);
          watches.push(changes);
          void flip();
          await changes.seen;
        } else if (aim.at === 'crontab') {
          const staged = changesIn(env.TMPDIR, 'staged crontab', (n) => n.startsWith('factoryctl-crontab.'));
          watches.push(staged);
          void flip();
          await staged.seen;
        } else if (aim.at === 'telemetry commit') {
          await flip();
        } else {
          // Flip after flip (each one a telemetry commit) until the journal says a compaction began; bounded in flips, not in time.
          for (let f = 0; !compactionSeen; f++) {
            if (f === 3 * MAX_COMMITS)
              throw new Error(
                `round ${round}: no compaction after ${f} flips (${count()} commits on the branch):\n${journal.text()}`,
              );
            await Promise.race([flip(), compacting]);
          }
        }
        expect(daemon.exitCode, `round ${round}: the daemon died before its kill:\n${journal.text()}`).toBe(null);
        process.kill(-daemon.pid!, 'SIGKILL');
      } catch (error) {
        signalGroup(daemon.pid!, 'SIGKILL');
        throw error;
      } finally {
        for (const w of watches) w.close();
      }
      await exited;
      // Its stderr drained: the journal holds every line written before the kill.
      await bounded(
        journal.closed,
        WAIT_MS,
        () => `round ${round}: the daemon's stderr still open ${WAIT_MS} ms after its kill`,
      );
      await waitFor('the killed group gone', () => groupMembers(daemon.pid!).length === 0, 10_000);
      running = undefined;
      checkNothingTorn(round);
      const now = count();
      if (now < commits) compactions++;
      commits = now;
      return landing(journal, stagedBefore);
    }

    const landed: Record<Phase | 'compaction', number> = {
      'before the apply': 0,
      'halt files': 0,
      crontab: 0,
      'telemetry commit': 0,
      'after the commit': 0,
      compaction: 0,
    };
    const cut = { 'before its ref moved': 0, 'after its ref moved': 0 };
    const tally = (l: ReturnType<typeof landing>) => {
      landed[l.phase]++;
      if (l.compaction) {
        landed.compaction++;
        cut[l.compaction]++;
      }
    };
    let rounds = 0;
    const began = Date.now();
    for (const a of schedule(random)) tally(await round(rounds++, a));
    // A phase no kill has landed in yet (its aimed kill came late, the step was already over): aim at it again.
    let extra = 0;
    for (const { phase, aim: at } of REQUIRED)
      while (landed[phase] === 0 && extra < MAX_EXTRA) (extra++, tally(await round(rounds++, aim(random, at))));
    console.log(
      `fault test (seed ${SEED}): ${rounds} kills (${extra} extra) in ${Math.round((Date.now() - began) / 1000)} s; landed in the last flip's ${JSON.stringify(landed)}; ` +
        `mid-compaction ${JSON.stringify(cut)}; ${compactions} compactions whole; ${commits} commits on the branch at the end`,
    );
    for (const { phase } of REQUIRED)
      expect(
        landed[phase],
        `kills landed ${phase === 'compaction' ? 'while the branch was being compacted' : `in the flip's ${phase}`} (as observed after each kill)`,
      ).toBeGreaterThan(0);

    // Restart: the state is right whatever the last kill interrupted.
    const after = await factoryctl(['node', '--once'], { cwd: dir, env });
    expect(after.code, after.stderr).toBe(0);
    checkNothingTorn(rounds);
    expect(readdirSync(haltDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(haltDir, 'dev'))).toBe(haltDev);
    expect(readdirSync(haltDir).filter((n) => n.startsWith('dev@'))).toHaveLength(haltDev ? REPOS : 0);
    expect(existsSync(join(env.FACTORY_STATE_DIR, '.dev-active'))).toBe(!haltDev);
    const devLines = readRoot()
      .split('\n')
      .filter((l) => l.includes("gate 'dev'"));
    expect(devLines).toHaveLength(REPOS);
    expect(devLines.every((l) => l.startsWith('#') === haltDev)).toBe(true);
    expect((await factoryctl(['gate', 'dev', '--repo', 'org/r03'], { cwd: dir, env })).code).toBe(haltDev ? 75 : 0);
    expect((await factoryctl(['gate', 'review', '--repo', 'org/r03'], { cwd: dir, env })).code).toBe(0);
    const tip = sh(dir, 'git', ['rev-parse', 'refs/heads/telemetry/test-node']);
    expect(JSON.parse(sh(dir, 'git', ['show', `${tip}:roles.json`])).dev.state).toBe(haltDev ? 'halt' : 'run');
    // The queue drained: the server has what the node has.
    expect(sh(fixture.bare, 'git', ['rev-parse', 'telemetry/test-node']), after.stderr).toBe(tip);
    sh(fixture.bare, 'git', ['fsck', '--no-dangling', '--no-progress']);
  }, 900_000); // 24 daemons or more, each waited on for what it does (every wait bounded): minutes on a loaded 2-core machine
});
