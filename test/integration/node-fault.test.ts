import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  haltDev ? 'overrides:\n  - { role: dev, action: halt, reason: fault test, by: alice, since: "2025-06-01T12:00:00Z" }\n' : 'overrides: []\n';

describe('kill -9 of the node daemon at random points', () => {
  let crontab: Awaited<ReturnType<typeof holdRootCrontab>>;
  let fixture: ControlRepoFixture;
  let dir: string;
  let env: { FACTORY_RUN_DIR: string; FACTORY_STATE_DIR: string; TMPDIR: string };

  beforeAll(async () => {
    crontab = await holdRootCrontab();
    writeRoot(USER_LINES);
    const repos = Object.fromEntries(
      Array.from({ length: REPOS }, (_, i) => [`repos/org/r${String(i).padStart(2, '0')}.yaml`, 'forge: codeberg\nagents: { dev: {}, review: {} }\n']),
    );
    const yaml = nodeFactoryYaml({
      policy: { sampleInterval: '100ms', hold: '0s', mounts: ['/'] },
      control: ['halt-files', 'crontab'],
      // A large history makes the branch pass its size bound often: compactions and gc get killed too.
      telemetry: { heartbeat: '500ms', maxBranchKiB: 64, keepSamples: 3000 },
    });
    fixture = makeControlRepo({ factoryYaml: `${yaml}forges:\n  codeberg: { type: forgejo, url: https://codeberg.org, tokenEnv: CODEBERG_TOKEN }\n`, files: repos });
    dir = await fixture.clone('node', fixture.bare);
    // TMPDIR inside the fixture: the scratch index folders a killed daemon leaves go with it.
    env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state'), TMPDIR: join(fixture.root, 'tmp') };
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
      if (existsSync(path)) expect(() => JSON.parse(readFileSync(path, 'utf8')), `round ${round}: ${file}`).not.toThrow();
    }
    const table = readRoot();
    expect(table.match(/^# BEGIN factoryctl/gm) ?? [], `round ${round}: one block`).toHaveLength(1);
    expect(table.match(/^# END factoryctl/gm) ?? [], `round ${round}: one block`).toHaveLength(1);
    expect(table).toContain(USER_LINES.trim());
    sh(dir, 'git', ['fsck', '--no-dangling', '--no-progress']);
    const tip = sh(dir, 'git', ['rev-parse', '--verify', '--quiet', 'refs/heads/telemetry/test-node']);
    expect(JSON.parse(sh(dir, 'git', ['show', `${tip}:decision.json`])), `round ${round}: telemetry decision.json`).toMatchObject({ node: 'test-node' });
  }

  it(`leaves nothing half-written after ${KILLS} kills (seed ${SEED}) and a restart applies the right state`, async () => {
    const random = prng(SEED);
    let haltDev = false;
    let compactions = 0;
    let commits = 0;
    const count = () => Number(sh(dir, 'git', ['rev-list', '--count', 'refs/heads/telemetry/test-node']));
    writeFileSync(join(dir, 'factory-state/overrides.yaml'), overridesYaml(haltDev));
    const first = await factoryctl(['node', '--once'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);

    for (let round = 0; round < KILLS; round++) {
      // Its own process group, as systemd's cgroup: kill -9 takes the git and crontab children it has running too.
      const daemon = spawn(process.execPath, [BIN, 'node'], { cwd: dir, env: { ...process.env, FACTORY_NODE: 'test-node', ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      running = daemon.pid;
      let stderr = '';
      daemon.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise((resolve) => daemon.on('exit', resolve));
      // Flip dev's override a few times while it runs: every flip rewrites halt files and the crontab and commits telemetry.
      const flips = 1 + Math.floor(random() * 3);
      for (let f = 0; f < flips; f++) {
        await new Promise((resolve) => setTimeout(resolve, 50 + random() * 400));
        haltDev = !haltDev;
        writeFileSync(join(dir, 'factory-state/overrides.yaml'), overridesYaml(haltDev));
      }
      await new Promise((resolve) => setTimeout(resolve, random() * 300)); // the kill lands anywhere in a cycle
      expect(daemon.exitCode, `round ${round}: the daemon died before its kill:\n${stderr}`).toBe(null);
      process.kill(-daemon.pid!, 'SIGKILL');
      await exited;
      await waitFor('the killed group gone', () => groupMembers(daemon.pid!).length === 0, 10_000);
      running = undefined;
      checkNothingTorn(round);
      const now = count();
      if (now < commits) compactions++;
      commits = now;
    }
    console.log(`fault test: ${compactions} compactions seen, ${commits} commits on the branch at the end`);
    expect(compactions, 'kills also landed while the branch was being compacted').toBeGreaterThan(0);

    // Restart: the state is right whatever the last kill interrupted.
    const after = await factoryctl(['node', '--once'], { cwd: dir, env });
    expect(after.code, after.stderr).toBe(0);
    checkNothingTorn(KILLS);
    const haltDir = join(env.FACTORY_RUN_DIR, 'halt');
    expect(readdirSync(haltDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(haltDir, 'dev'))).toBe(haltDev);
    expect(readdirSync(haltDir).filter((n) => n.startsWith('dev@'))).toHaveLength(haltDev ? REPOS : 0);
    expect(existsSync(join(env.FACTORY_STATE_DIR, '.dev-active'))).toBe(!haltDev);
    const devLines = readRoot().split('\n').filter((l) => l.includes("gate 'dev'"));
    expect(devLines).toHaveLength(REPOS);
    expect(devLines.every((l) => l.startsWith('#') === haltDev)).toBe(true);
    expect((await factoryctl(['gate', 'dev', '--repo', 'org/r03'], { cwd: dir, env })).code).toBe(haltDev ? 75 : 0);
    expect((await factoryctl(['gate', 'review', '--repo', 'org/r03'], { cwd: dir, env })).code).toBe(0);
    const tip = sh(dir, 'git', ['rev-parse', 'refs/heads/telemetry/test-node']);
    expect(JSON.parse(sh(dir, 'git', ['show', `${tip}:roles.json`])).dev.state).toBe(haltDev ? 'halt' : 'run');
    // The queue drained: the server has what the node has.
    expect(sh(fixture.bare, 'git', ['rev-parse', 'telemetry/test-node']), after.stderr).toBe(tip);
    sh(fixture.bare, 'git', ['fsck', '--no-dangling', '--no-progress']);
  });
});
