import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: driver, logLevel: 'error',
  });
  // Many repositories make the table and the halt directory large enough for kills to land mid-write.
  const repos = Array.from({ length: 40 }, (_, i) => repo(`org/r${String(i).padStart(2, '0')}`, { agents: { dev: { enabled: true }, review: { enabled: true } } }));
  const assignments = assignmentsFor('n1', factory(), repos);
  const paths = { runDir: join(root, 'run'), stateDir: join(root, 'state') };
  const cron = { controlDir: join(root, 'ctl'), node: 'n1', nodeBin: process.execPath, cli: join(root, 'ctl/bin/factoryctl.js') };
  const variants = [
    {},
    { overrides: [haltOverride('dev', undefined, 'memory low '.repeat(20))] },
    { overrides: [haltOverride('dev', 'org/r07'), haltOverride('review', undefined, 'ci overloaded')] },
  ];
  plans = variants.map((sources) => localPlan({ assignments, roles: ['dev', 'review', 'supervisor'], stateOf: stateOfFrom('n1', sources), paths, cron }));
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

/** Starts the driver, waits until it has applied at least once, lets it run `ms` more, kills it with SIGKILL. */
function runAndKill(ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver, plansFile, join(root, 'stage')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (timer === undefined && out.includes('applied')) timer = setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`driver exited by itself (${code}): ${err}`));
      else void orphansGone().then(() => resolve(out.split('\n').filter(Boolean).length), reject);
    });
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
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(stage);
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

function checkWhole(): void {
  const haltDir = join(root, 'run/halt');
  const allowed = new Map<string, Set<string>>();
  for (const p of plans) for (const f of p.haltFiles) allowed.set(f.path, (allowed.get(f.path) ?? new Set()).add(f.content));
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
  expect(plans.some((p) => JSON.stringify(p.crontab) === JSON.stringify(block)), 'the block is one of the planned blocks').toBe(true);
}

describe('kill -9 while applying halt files and the crontab', () => {
  it(`after each of ${KILLS} kills at seeded random points, every file is whole; a restart converges`, async () => {
    const random = seeded(SEED);
    let applies = 0;
    for (let k = 0; k < KILLS; k++) {
      applies += await runAndKill(Math.floor(random() * 60));
      checkWhole();
    }
    // The kills landed on many different points of the cycle, not always after a whole apply.
    expect(applies).toBeGreaterThan(KILLS);

    // A restart: one clean apply of any plan gives exactly that plan, leftovers removed.
    const target = plans[1]!;
    applyHaltFiles(target);
    applyCrontabBlock(target.crontab, { tmpDir: join(root, 'stage') });
    expect(readdirSync(join(root, 'run/halt')).sort()).toEqual(target.haltFiles.map((f) => f.path.slice(join(root, 'run/halt/').length)).sort());
    for (const f of target.haltFiles) expect(readFileSync(f.path, 'utf8')).toBe(f.content);
    for (const f of target.activeFiles) expect(existsSync(f)).toBe(true);
    for (const f of target.inactiveFiles) expect(existsSync(f)).toBe(false);
    expect(readBlock(readCrontab())).toEqual(target.crontab);
    expect(readdirSync(join(root, 'stage'))).toEqual([]);
  });
});
