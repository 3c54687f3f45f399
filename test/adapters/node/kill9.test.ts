import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
  type FSWatcher,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCrontab } from '../../../src/adapters/node/crontab.js';
import { applyCrontabBlock } from '../../../src/adapters/node/crontab.js';
import { applyHaltFiles } from '../../../src/adapters/node/halt-files.js';
import { assignmentsFor } from '../../../src/domain/assignments.js';
import { BEGIN_MARKER, END_MARKER, readBlock } from '../../../src/domain/crontab-block.js';
import { localPlan, type LocalPlan } from '../../../src/domain/local-plan.js';
import { factory, haltOverride, repo, stateOfFrom } from '../../support/apply-fixture.js';
import { holdRootCrontab, writeRoot } from '../../support/root-crontab.js';

const KILLS = 30;
const SEED = 20250601;
const USER_LINES = ['MAILTO=""', '17 3 * * * /usr/local/bin/backup --all', '# keep me'];

let root: string;
let driver: string;
let plansFile: string;
let plans: LocalPlan[];
let lock: Awaited<ReturnType<typeof holdRootCrontab>>;

beforeAll(async () => {
  lock = await holdRootCrontab();
  root = mkdtempSync(join(tmpdir(), 'factoryctl-kill9-'));
  mkdirSync(join(root, 'stage'));
  driver = join(root, 'driver.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../../support/apply-kill-driver.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: driver,
    logLevel: 'error',
  });
  // Many repositories make the table and the halt directory large enough for kills to land mid-write.
  const repos = Array.from({ length: 40 }, (_, i) =>
    repo(`org/r${String(i).padStart(2, '0')}`, { agents: { dev: { enabled: true }, review: { enabled: true } } }),
  );
  const assignments = assignmentsFor('n1', factory(), repos);
  const paths = { runDir: join(root, 'run'), stateDir: join(root, 'state') };
  const cron = {
    controlDir: join(root, 'ctl'),
    node: 'n1',
    nodeBin: process.execPath,
    cli: join(root, 'ctl/bin/factoryctl.js'),
  };
  const variants = [
    {},
    { overrides: [haltOverride('dev', undefined, 'memory low '.repeat(20))] },
    { overrides: [haltOverride('dev', 'org/r07'), haltOverride('review', undefined, 'ci overloaded')] },
  ];
  plans = variants.map((sources) =>
    localPlan({
      assignments,
      roles: ['dev', 'review', 'supervisor'],
      stateOf: stateOfFrom('n1', sources),
      paths,
      cron,
    }),
  );
  plansFile = join(root, 'plans.json');
  writeFileSync(plansFile, JSON.stringify(plans));
  writeRoot(`${USER_LINES.join('\n')}\n`);
});
afterAll(() => {
  lock?.release();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** mulberry32: the kill points are random but the same on every run. */
function seeded(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Where a kill is aimed: upon the driver's line `<line> <apply>` (see apply-kill-driver.ts), or
 * with `files`, upon the `files`-th change seen in the halt directory after that line.
 */
type Aim = { line: 'start' | 'halt-files' | 'paused'; apply: number; files?: number };
/** Where it landed, from the last line the driver wrote before it died. */
type Phase = 'halt files' | 'crontab' | 'between applies';
const PHASE_OF_LAST_LINE: Record<string, Phase> = {
  start: 'halt files',
  'halt-files': 'crontab',
  applied: 'between applies',
  paused: 'between applies',
};

/**
 * Starts the driver and SIGKILLs it as soon as it has written the aimed line (and made the aimed
 * number of halt file changes after it): the kill lands at or after that point. Returns the whole
 * applies it reported and the last line it wrote.
 */
function runAndKill(aim: Aim): Promise<{ applies: number; last: string }> {
  return new Promise((resolve, reject) => {
    const args = [driver, plansFile, join(root, 'stage'), ...(aim.line === 'paused' ? [String(aim.apply)] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const marker = `${aim.line} ${aim.apply}\n`;
    let out = '';
    let err = '';
    let killed = false;
    let watcher: FSWatcher | undefined;
    const kill = () => {
      killed = true;
      watcher?.close();
      child.kill('SIGKILL');
    };
    // A bound on the wait, not a timing: the driver writes the line within milliseconds when it works.
    const bound = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const seen = out.startsWith(marker) || out.includes(`\n${marker}`);
      out += d;
      if (killed || seen || !(out.startsWith(marker) || out.includes(`\n${marker}`))) return;
      if (aim.files === undefined) return kill();
      // Watched from now on: the changes counted are this apply's (or later ones'), none before it.
      let changes = 0;
      watcher = watch(join(root, 'run/halt'), () => {
        if (++changes === aim.files) kill();
      });
    });
    child.on('error', reject);
    // 'close': stdout drained, so `out` holds every line written before the kill.
    child.on('close', (code, signal) => {
      clearTimeout(bound);
      watcher?.close();
      if (signal !== 'SIGKILL') return reject(new Error(`driver exited by itself (${code}): ${err}`));
      if (!killed)
        return reject(new Error(`driver never wrote "${marker.trim()}" within 30 s; it wrote:\n${out}${err}`));
      const lines = out.split('\n').filter(Boolean);
      void orphansGone().then(
        () => resolve({ applies: lines.filter((l) => l.startsWith('applied ')).length, last: lines.at(-1)! }),
        reject,
      );
    });
  });
}

/**
 * The aims in a seeded order: each step aimed at `each` times, on seeded applies 1 to 3; the
 * halt files step upon its start or after a seeded number (1 to 20) of its file changes.
 */
function schedule(random: () => number, each: number): Aim[] {
  const lines = (['start', 'halt-files', 'paused'] as const).flatMap((line) =>
    Array.from({ length: each }, () => line),
  );
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines.map((line) => {
    const aim: Aim = { line, apply: 1 + Math.floor(random() * 3) };
    const files = Math.floor(random() * 21);
    return line === 'start' && files > 0 ? { ...aim, files } : aim;
  });
}

/**
 * A crontab the driver had started outlives it and finishes its (atomic) install: wait for it,
 * so that it cannot land after the checks below. Zombies do not count (this init never reaps).
 */
async function orphansGone(): Promise<void> {
  const stage = join(root, 'stage');
  const live = () =>
    readdirSync('/proc').filter((pid) => {
      if (!/^\d+$/.test(pid)) return false;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return (
          stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z' &&
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(stage)
        );
      } catch {
        return false;
      }
    });
  const deadline = Date.now() + 10_000;
  while (live().length > 0) {
    if (Date.now() > deadline) throw new Error('a crontab started by the killed driver is still running after 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The halt directory holds exactly the plan's halt files (staging files aside). */
function sameHaltFiles(plan: LocalPlan): boolean {
  const haltDir = join(root, 'run/halt');
  const names = readdirSync(haltDir).filter((n) => !(n.startsWith('.') && n.endsWith('.tmp')));
  return (
    names.length === plan.haltFiles.length &&
    plan.haltFiles.every((f) => existsSync(f.path) && readFileSync(f.path, 'utf8') === f.content)
  );
}

function checkWhole(): void {
  const haltDir = join(root, 'run/halt');
  const allowed = new Map<string, Set<string>>();
  for (const p of plans)
    for (const f of p.haltFiles) allowed.set(f.path, (allowed.get(f.path) ?? new Set()).add(f.content));
  for (const name of readdirSync(haltDir)) {
    if (name.startsWith('.') && name.endsWith('.tmp')) continue; // staging, never read as a halt file
    const path = join(haltDir, name);
    const text = readFileSync(path, 'utf8');
    expect(() => JSON.parse(text), `${name} is whole JSON`).not.toThrow();
    expect(allowed.get(path)?.has(text), `${name} holds one of the planned contents`).toBe(true);
  }
  const table = readCrontab();
  const lines = table.split('\n');
  expect(lines.filter((l) => l === BEGIN_MARKER)).toHaveLength(1);
  expect(lines.filter((l) => l === END_MARKER)).toHaveLength(1);
  expect(lines.slice(0, USER_LINES.length)).toEqual(USER_LINES);
  const block = readBlock(table);
  expect(
    plans.some((p) => JSON.stringify(p.crontab) === JSON.stringify(block)),
    'the block is one of the planned blocks',
  ).toBe(true);
}

describe('kill -9 while applying halt files and the crontab', () => {
  it(`after each of ${KILLS} kills aimed at seeded steps, every file is whole; a restart converges`, async () => {
    const random = seeded(SEED);
    const began = Date.now();
    let applies = 0;
    const landed: Record<Phase, number> = { 'halt files': 0, crontab: 0, 'between applies': 0 };
    let halfway = 0;
    for (const aim of schedule(random, KILLS / 3)) {
      const run = await runAndKill(aim);
      applies += run.applies;
      const phase = PHASE_OF_LAST_LINE[run.last.split(' ')[0]!]!;
      landed[phase]++;
      if (phase === 'halt files' && !plans.some((p) => sameHaltFiles(p))) halfway++;
      checkWhole();
    }
    console.log(
      `kill9 test (seed ${SEED}): ${KILLS} kills in ${Math.round((Date.now() - began) / 1000)} s, ${applies} whole applies; kills landed: ${JSON.stringify(landed)}, ${halfway} of them with the halt directory halfway between two plans`,
    );
    // Every run is killed after at least one whole apply, a third of them (parked) after at least two.
    expect(applies).toBeGreaterThan(KILLS);
    // The kills landed on every step of the cycle, as the driver's last line says, not always after a whole apply.
    expect(landed['halt files'], 'kills while the halt files were being written').toBeGreaterThan(0);
    expect(landed.crontab, 'kills while the crontab was being installed').toBeGreaterThan(0);
    expect(landed['between applies'], 'kills between two whole applies').toBeGreaterThan(0);
    expect(halfway, 'kills with the halt directory halfway between two plans').toBeGreaterThan(0);

    // A restart: one clean apply of any plan gives exactly that plan, leftovers removed.
    const target = plans[1]!;
    applyHaltFiles(target);
    applyCrontabBlock(target.crontab, { tmpDir: join(root, 'stage') });
    expect(readdirSync(join(root, 'run/halt')).sort()).toEqual(
      target.haltFiles.map((f) => f.path.slice(join(root, 'run/halt/').length)).sort(),
    );
    for (const f of target.haltFiles) expect(readFileSync(f.path, 'utf8')).toBe(f.content);
    for (const f of target.activeFiles) expect(existsSync(f)).toBe(true);
    for (const f of target.inactiveFiles) expect(existsSync(f)).toBe(false);
    expect(readBlock(readCrontab())).toEqual(target.crontab);
    expect(readdirSync(join(root, 'stage'))).toEqual([]);
  }, 300_000); // 30 drivers, each waited on until it reaches its aimed step: minutes on a loaded 2-core machine
});
