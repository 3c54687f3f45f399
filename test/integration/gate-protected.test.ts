import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, type ControlRepoFixture } from '../support/control-repo.js';

const TEMPLATE = readFileSync(new URL('../../factory.yaml', import.meta.url), 'utf8');
// The template's supervisor role, with or without its `protected: true` line.
const factoryYaml = (marked: boolean) => (marked ? TEMPLATE : TEMPLATE.replace('    protected: true\n', ''));

describe('the supervisor is never halted, whatever factory.yaml says (gate and node agree)', () => {
  const fixtures: ControlRepoFixture[] = [];
  afterAll(() => fixtures.forEach((f) => f.cleanup()));

  async function controlRepo(marked: boolean) {
    expect(factoryYaml(false)).not.toBe(TEMPLATE);
    const fixture = makeControlRepo({ factoryYaml: factoryYaml(marked) });
    fixtures.push(fixture);
    const dir = await fixture.clone('agent', fixture.bare);
    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    mkdirSync(env.FACTORY_RUN_DIR, { recursive: true });
    mkdirSync(env.FACTORY_STATE_DIR, { recursive: true });
    return { dir, env };
  }

  it.each([
    { situation: 'supervisor marked protected: true', marked: true },
    { situation: 'supervisor without protected: true', marked: false },
  ])('halt all: gate supervisor exits 0, node --once keeps .supervisor-active ($situation)', async ({ marked }) => {
    const { dir, env } = await controlRepo(marked);
    const halted = await factoryctl(['halt', 'all', '--reason', 'maintenance'], { cwd: dir, env });
    expect(halted.code, halted.stderr).toBe(0);

    const dev = await factoryctl(['gate', 'dev'], { cwd: dir, env });
    expect(dev.code, dev.stderr).toBe(75);
    const supervisor = await factoryctl(['gate', 'supervisor', '--json'], { cwd: dir, env });
    expect(supervisor.code, supervisor.stderr).toBe(0);
    expect(JSON.parse(supervisor.stdout)).toMatchObject({ run: true, state: 'run' });

    const once = await factoryctl(['node', '--once'], { cwd: dir, env });
    expect(once.code, once.stderr).toBe(0);
    expect(existsSync(join(env.FACTORY_STATE_DIR, '.supervisor-active'))).toBe(true);
    expect(existsSync(join(env.FACTORY_RUN_DIR, 'halt', 'supervisor'))).toBe(false);
    expect(existsSync(join(env.FACTORY_STATE_DIR, '.dev-active'))).toBe(false);

    const status = await factoryctl(['status', '--no-pull', '--json'], { cwd: dir, env });
    expect(status.code, status.stderr).toBe(0);
    const rows = (JSON.parse(status.stdout) as { roles: { role: string; state: string }[] }).roles;
    expect(rows.filter((r) => r.role === 'supervisor').map((r) => r.state)).toEqual(['run']);
  });

  it('refuses `halt supervisor` even when factory.yaml does not mark it protected', async () => {
    const { dir, env } = await controlRepo(false);
    const halted = await factoryctl(['halt', 'supervisor'], { cwd: dir, env });
    expect(halted.code).toBe(65);
    expect(halted.stderr).toContain('supervisor is a protected role: it is never halted');
  });
});
