// A node daemon in a container-like memory cgroup protects the cgroup, not the host: a real process
// taking 256 MiB inside its 512 MiB limit halts dev while the host still has gigabytes free.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sample } from '../../src/domain/pressure/sample.js';
import { cleanupAll } from '../support/cleanup.js';
import { createMemoryCgroup, type TestMemoryCgroup } from '../support/cgroup.js';
import { BIN, factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { memAvailableMb, nodeFactoryYaml, waitFor } from '../support/node-fixture.js';
import { stopChild } from '../support/stop-child.js';

const MIB = 1024 * 1024;
const LIMIT_MB = 512;
const HOG_MB = 256;
// Touches every page, holds them until stdin closes.
const HOG = `const b = Buffer.alloc(${HOG_MB * MIB}); b.fill(1); console.log('ready');
process.stdin.on('close', () => process.exit(0)).resume();`;

describe('factoryctl node inside a memory cgroup (real cgroup, real daemon, real allocation)', () => {
  const fixtures: ControlRepoFixture[] = [];
  const children: ChildProcess[] = [];
  let cgroup: TestMemoryCgroup | undefined;

  afterAll(() =>
    cleanupAll([
      ...children.map((c) => async () => {
        if (c.exitCode === null && c.signalCode === null) {
          c.kill('SIGKILL');
          await once(c, 'exit');
        }
      }),
      () => cgroup?.remove(),
      ...fixtures.map((f) => () => f.cleanup()),
    ]),
  );

  it('halts dev when the cgroup runs short though the host does not, and its telemetry names the cgroup limit', async () => {
    // The daemon alone leaves ~490 MiB of the 512 (node's own pages are cached and charged elsewhere),
    // ~235 with the hog: the thresholds sit in between. The host has gigabytes more than either.
    const policy = {
      sampleInterval: '500ms',
      hold: '0s',
      resumeHold: '1s',
      stabilisation: '1s',
      mounts: ['/'],
      levels: { '1': { memAvailableMb: { halt: 370, resume: 430 } } },
    };
    expect(
      memAvailableMb(),
      'the host must have room: this test shows the cgroup, not the host, binds',
    ).toBeGreaterThan(4 * LIMIT_MB);
    const fixture = makeControlRepo({ factoryYaml: nodeFactoryYaml({ policy, control: ['halt-files'] }) });
    fixtures.push(fixture);
    const dir = await fixture.clone('node', fixture.bare);
    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    const haltDev = join(env.FACTORY_RUN_DIR, 'halt', 'dev');
    const remoteSample = () => {
      try {
        return JSON.parse(sh(fixture.bare, 'git', ['show', 'telemetry/test-node:sample.json'])) as Sample;
      } catch {
        return undefined; // not pushed yet
      }
    };

    cgroup = createMemoryCgroup(LIMIT_MB * MIB); // throws, failing the test, when cgroups are not writable
    const daemon = cgroup.spawn(process.execPath, [BIN, 'node'], {
      cwd: dir,
      env: { ...process.env, FACTORY_NODE: 'test-node', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(daemon);
    let stderr = '';
    daemon.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));

    const before = await waitFor<Sample | undefined>('a sample measured against the cgroup, pushed', () => {
      const s = remoteSample();
      return s?.memLimit?.source === cgroup!.version ? s : undefined;
    });
    expect(before!.memTotalMb).toBeCloseTo(LIMIT_MB, 0);
    expect(before!.memLimit).toMatchObject({ path: cgroup.path, limitMb: LIMIT_MB });
    expect(before!.memAvailableMb).toBeGreaterThan(policy.levels['1'].memAvailableMb.resume);
    expect(existsSync(haltDev)).toBe(false);

    const hog = cgroup.spawn(process.execPath, ['-e', HOG], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(hog);
    await new Promise<void>((resolve, reject) => {
      hog.stdout!.setEncoding('utf8').on('data', (d: string) => d.includes('ready') && resolve());
      hog.on('exit', (code) => reject(new Error(`the hog exited ${code} before it held its memory`)));
    });
    await waitFor('dev halted by the node', () => existsSync(haltDev), 60_000);
    const gate = await factoryctl(['gate', 'dev'], { cwd: dir, env });
    expect(gate.code).toBe(75);
    expect(gate.stderr).toMatch(/HALTED by node test-node.*MemAvailable \d+ MB < 370 MB/);
    expect(memAvailableMb()).toBeGreaterThan(4 * LIMIT_MB); // the host never was short
    const during = await waitFor<Sample | undefined>('the halting sample pushed', () => {
      const s = remoteSample();
      return s && s.memAvailableMb < 370 ? s : undefined;
    });
    console.log(
      `node in a ${LIMIT_MB} MiB cgroup: available ${before!.memAvailableMb} MiB, ${during!.memAvailableMb} MiB in the sample that halted dev (a ${HOG_MB} MiB hog starting); host ${Math.round(memAvailableMb())} MiB`,
    );

    hog.stdin!.end();
    await once(hog, 'exit');
    await waitFor('dev resumed once the hog is gone', () => !existsSync(haltDev), 60_000);
    expect(JSON.parse(readFileSync(join(env.FACTORY_RUN_DIR, 'decision.json'), 'utf8'))).toMatchObject({ level: 0 });
    expect(await stopChild(daemon, exited), stderr).toBe(0);
  });
});
