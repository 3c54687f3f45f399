import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, type ControlRepoFixture } from '../support/control-repo.js';

// disinto's role names; its supervisor removes .dev-active to pause dev, and nothing else tells factoryctl.
const FACTORY = stringify({
  version: 1,
  name: 'disinto',
  roles: {
    dev: { haltLevel: 1, heavy: true },
    reviewer: { haltLevel: 2 },
    gardener: {},
    supervisor: { protected: true },
  },
  nodes: { default: { roles: ['dev', 'reviewer', 'gardener', 'supervisor'], control: ['halt-files'] } },
  policy: { sampleInterval: '200ms', hold: '0s', mounts: ['/'] },
});

interface StatusJson {
  roles: { role: string; state: string; reason: string; by: string }[];
  outside: { node: string; role: string; file: string; present: boolean }[];
}

describe("an outside writer's change to a drop-in file, in the gate and status", () => {
  let fixture: ControlRepoFixture;
  let dir: string;
  const env = () => ({
    FACTORY_NODE: 'vps1',
    FACTORY_RUN_DIR: join(fixture.root, 'run'),
    FACTORY_STATE_DIR: join(fixture.root, 'state'),
  });
  const devActive = () => join(fixture.root, 'state', '.dev-active');
  const cycle = async () => {
    const r = await factoryctl(['node', '--once'], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
  };
  beforeAll(async () => {
    fixture = makeControlRepo({ factoryYaml: FACTORY });
    dir = await fixture.clone('node', fixture.bare);
    mkdirSync(env().FACTORY_STATE_DIR, { recursive: true });
  });
  afterAll(() => fixture?.cleanup());

  it('a removal of .dev-active halts dev in the gate and shows in status; a re-creation ends it', async () => {
    await cycle();
    expect(existsSync(devActive())).toBe(true);
    expect((await factoryctl(['gate', 'dev', '--no-pull'], { cwd: dir, env: env() })).code).toBe(0);

    unlinkSync(devActive()); // the factory's own supervisor pauses dev
    await cycle(); // seen and journaled
    await cycle(); // in the decision the gate and status read
    const gate = await factoryctl(['gate', 'dev', '--no-pull', '--json'], { cwd: dir, env: env() });
    expect(gate.code, gate.stderr).toBe(75);
    expect(gate.stderr).toContain('another writer removed .dev-active on vps1');
    expect(JSON.parse(gate.stdout)).toMatchObject({
      run: false,
      by: 'another writer',
      outside: { role: 'dev', file: '.dev-active', present: false },
      layers: { outside: { state: 'halt' } },
    });
    // the plain gate of another role is untouched
    expect((await factoryctl(['gate', 'reviewer', '--no-pull'], { cwd: dir, env: env() })).code).toBe(0);

    const human = await factoryctl(['status', '--no-pull'], { cwd: dir, env: env() });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('another writer removed .dev-active on vps1');
    expect(human.stdout).toMatch(/^dev: another writer removed \.dev-active on vps1/m); // the notice, under the table
    const json = JSON.parse(
      (await factoryctl(['status', '--no-pull', '--json'], { cwd: dir, env: env() })).stdout,
    ) as StatusJson;
    expect(json.outside).toEqual([expect.objectContaining({ node: 'vps1', role: 'dev', present: false })]);
    expect(json.roles.find((r) => r.role === 'dev')).toMatchObject({ state: 'halt', by: 'another writer' });

    for (let i = 0; i < 3; i++) await cycle();
    expect(existsSync(devActive())).toBe(false); // never overwritten

    writeFileSync(devActive(), ''); // that writer resumes dev
    await cycle();
    await cycle();
    expect((await factoryctl(['gate', 'dev', '--no-pull'], { cwd: dir, env: env() })).code).toBe(0);
    const after = JSON.parse(
      (await factoryctl(['status', '--no-pull', '--json'], { cwd: dir, env: env() })).stdout,
    ) as StatusJson;
    expect(after.outside).toEqual([]);
    expect(existsSync(devActive())).toBe(true);
  });

  it('a re-creation while factoryctl halts the role keeps the gate halted and says the scripts run', async () => {
    const halt = await factoryctl(['halt', 'gardener', '--reason', 'pruning by hand'], { cwd: dir, env: env() });
    expect(halt.code, halt.stderr).toBe(0);
    await cycle();
    const gardener = join(fixture.root, 'state', '.gardener-active');
    expect(existsSync(gardener)).toBe(false);
    writeFileSync(gardener, ''); // the entrypoint touches every file
    await cycle();
    await cycle();
    const gate = await factoryctl(['gate', 'gardener', '--no-pull'], { cwd: dir, env: env() });
    expect(gate.code).toBe(75);
    expect(gate.stderr).toContain('pruning by hand');
    expect(gate.stderr).toContain('another writer created .gardener-active on vps1');
    expect(existsSync(gardener)).toBe(true);
  });
});
