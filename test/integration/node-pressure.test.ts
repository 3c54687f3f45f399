import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, type ControlRepoFixture } from '../support/control-repo.js';
import { cleanupAll, unmount } from '../support/cleanup.js';
import {
  allocate,
  memAvailableMb,
  nodeFactoryYaml,
  startNode,
  waitFor,
  type RunningNode,
} from '../support/node-fixture.js';
import { holdRootCrontab, readRoot, writeRoot } from '../support/root-crontab.js';

const USER_LINES = '# my own jobs\n*/7 * * * * /bin/true --users-job\n';
const HOG_MB = 4096;

/** The dev line of factoryctl's block: live, commented out (halted), or absent. */
function devLine(): 'live' | 'halted' | 'absent' {
  const lines = readRoot()
    .split('\n')
    .filter((l) => l.includes("gate 'dev'"));
  if (lines.some((l) => !l.startsWith('#'))) return 'live';
  return lines.some((l) => l.startsWith('# ')) ? 'halted' : 'absent';
}

describe("factoryctl node under real pressure (real memory, a real filesystem, root's real crontab)", () => {
  let crontab: Awaited<ReturnType<typeof holdRootCrontab>>;
  const fixtures: ControlRepoFixture[] = [];
  const mounts: string[] = [];
  const daemons: RunningNode[] = [];

  beforeAll(async () => {
    crontab = await holdRootCrontab();
    writeRoot(USER_LINES);
  });
  afterAll(() =>
    // Every step runs even when one fails: a daemon left from a timed-out test, then the mounts, then the crontab.
    cleanupAll([
      ...daemons.map((d) => () => d.stop(5_000)),
      ...mounts.map((m) => () => unmount(m)),
      ...fixtures.map((f) => () => f.cleanup()),
      () => crontab?.release(),
    ]),
  );

  /** A control repo whose default node applies `policy` through halt files and the crontab, and its clone. */
  async function setUp(policy: Record<string, unknown>) {
    const fixture = makeControlRepo({ factoryYaml: nodeFactoryYaml({ policy, control: ['halt-files', 'crontab'] }) });
    fixtures.push(fixture);
    const dir = await fixture.clone('node', fixture.bare);
    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    const haltDev = join(env.FACTORY_RUN_DIR, 'halt', 'dev');
    const devActive = join(env.FACTORY_STATE_DIR, '.dev-active');
    const gate = async () => factoryctl(['gate', 'dev'], { cwd: dir, env });
    const halted = () => existsSync(haltDev) && !existsSync(devActive) && devLine() === 'halted';
    const running = () => !existsSync(haltDev) && existsSync(devActive) && devLine() === 'live';
    return { fixture, dir, env, haltDev, gate, halted, running };
  }

  it('halts dev when a process really eats the memory, and resumes after the window once it is freed', async () => {
    const base = memAvailableMb();
    expect(base, 'this test needs room for its memory hog').toBeGreaterThan(HOG_MB + 1024);
    // Thresholds relative to this machine now: the hog crosses the halt line, freeing it clears the resume line;
    // each with a gigabyte or more to spare for what the other test workers allocate meanwhile.
    const policy = {
      sampleInterval: '500ms',
      hold: '0s',
      resumeHold: '1s',
      stabilisation: '1s',
      mounts: ['/'],
      levels: {
        '1': { memAvailableMb: { halt: Math.round(base - HOG_MB * 0.6), resume: Math.round(base - HOG_MB / 4) } },
      },
    };
    const t = await setUp(policy);

    const once = await factoryctl(['node', '--once'], { cwd: t.dir, env: t.env });
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout).toContain('level 0');
    expect(t.running()).toBe(true);
    expect((await t.gate()).code).toBe(0);

    const daemon = startNode([], { cwd: t.dir, env: t.env });
    daemons.push(daemon);
    try {
      const hog = await allocate(HOG_MB);
      try {
        await waitFor('dev halted: halt file, no .dev-active, crontab line commented', t.halted);
        const gate = await t.gate();
        expect(gate.code).toBe(75);
        expect(gate.stderr).toMatch(/HALTED by node test-node.*MemAvailable \d+ MB < \d+ MB/);
        expect(JSON.parse(readFileSync(t.haltDev, 'utf8'))).toMatchObject({ role: 'dev', source: 'node' });
        expect(existsSync(join(t.env.FACTORY_STATE_DIR, '.review-active'))).toBe(true);
      } finally {
        await hog.free();
      }
      await waitFor('dev resumed: no halt file, .dev-active back, crontab line live', t.running);
      expect((await t.gate()).code).toBe(0);
      expect(readRoot()).toContain(USER_LINES.trim());
      expect(daemon.stderr()).toMatch(/level-changed: level 1 released: MemAvailable/);
    } finally {
      expect(await daemon.stop(), daemon.stderr()).toBe(0);
    }
  });

  it('halts dev when a watched filesystem fills (tmpfs mounted by the test), and resumes once it is emptied', async () => {
    const t0 = makeControlRepo();
    fixtures.push(t0);
    const disk = join(t0.root, 'disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', disk]);
    mounts.push(disk);
    const policy = {
      sampleInterval: '500ms',
      hold: '0s',
      resumeHold: '1s',
      stabilisation: '1s',
      mounts: [disk],
      levels: { '1': { diskUsedPercent: { halt: 50, resume: 30 } } },
    };
    const t = await setUp(policy);
    const daemon = startNode([], { cwd: t.dir, env: t.env });
    daemons.push(daemon);
    try {
      await waitFor('a first cycle with dev running', t.running);
      const filler = join(disk, 'filler');
      writeFileSync(filler, Buffer.alloc(40 * 1024 * 1024, 1));
      await waitFor('dev halted by the full disk', t.halted);
      const gate = await t.gate();
      expect(gate.code).toBe(75);
      expect(gate.stderr).toContain(`disk ${disk}`);
      rmSync(filler);
      await waitFor('dev resumed once the disk is emptied', t.running);
      expect((await t.gate()).code).toBe(0);
    } finally {
      expect(await daemon.stop(), daemon.stderr()).toBe(0);
    }
  });
});
