import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { IDENTITY, makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { nodeFactoryYaml } from '../support/node-fixture.js';

describe("the gate and status ignore a silent node daemon's decision", () => {
  const fixtures: ControlRepoFixture[] = [];
  afterAll(() => fixtures.forEach((f) => f.cleanup()));

  it.each([
    { situation: 'updated 30 s ago: the halt holds', ageMs: 30_000, code: 75, stale: false },
    {
      situation: 'silent for 3 min (bound: max(10 x 5 s, 2 min)): ignored, dev runs',
      ageMs: 180_000,
      code: 0,
      stale: true,
    },
  ])('$situation', async ({ ageMs, code, stale }) => {
    const fixture = makeControlRepo({
      factoryYaml: nodeFactoryYaml({ policy: { sampleInterval: '5s', mounts: ['/'] } }),
    });
    fixtures.push(fixture);
    const dir = await fixture.clone('agent', fixture.bare);
    const env = {
      FACTORY_RUN_DIR: join(fixture.root, 'run'),
      FACTORY_STATE_DIR: join(fixture.root, 'state'),
      FACTORY_NODE: 'test-node',
    };
    mkdirSync(env.FACTORY_RUN_DIR, { recursive: true });
    const updatedAt = new Date(Date.now() - ageMs).toISOString();
    writeFileSync(
      join(env.FACTORY_RUN_DIR, 'decision.json'),
      JSON.stringify({
        node: 'test-node',
        level: 1,
        halted: ['dev'],
        reason: 'level 1: MemAvailable 900 MB < 2000 MB',
        since: updatedAt,
        updatedAt,
      }),
    );

    const gate = await factoryctl(['gate', 'dev'], { cwd: dir, env });
    expect(gate.code, gate.stderr).toBe(code);
    if (stale)
      expect(gate.stderr).toContain(
        `node daemon silent since ${updatedAt}: its decision (level 1, halting dev) is ignored`,
      );
    else expect(gate.stderr).not.toContain('silent');

    const status = await factoryctl(['status', '--no-pull', '--json'], { cwd: dir, env });
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      nodes: Record<string, { stale?: boolean }>;
      roles: { node: string; role: string; state: string }[];
      notes: string[];
    };
    expect(parsed.nodes['test-node']?.stale ?? false).toBe(stale);
    expect(parsed.roles.find((r) => r.node === 'test-node' && r.role === 'dev')?.state).toBe(stale ? 'run' : 'halt');
    if (stale) expect(parsed.notes.join('\n')).toMatch(/node test-node STALE: node daemon silent since/);
  });

  it.each([
    { situation: 'another node, updated 30 s ago: its halt of dev shows', ageMs: 30_000, stale: false },
    {
      situation: 'another node, silent for 10 min: STALE, its halt of dev no longer shows',
      ageMs: 600_000,
      stale: true,
    },
  ])('status --json, from telemetry branches: $situation', async ({ ageMs, stale }) => {
    const fixture = makeControlRepo({
      factoryYaml: nodeFactoryYaml({ policy: { sampleInterval: '5s', mounts: ['/'] } }),
    });
    fixtures.push(fixture);
    const updatedAt = new Date(Date.now() - ageMs).toISOString();
    const vps2 = await fixture.clone('vps2', fixture.bare);
    sh(vps2, 'git', ['checkout', '-q', '--orphan', 'telemetry/vps2']);
    sh(vps2, 'git', ['rm', '-rqf', '.']);
    writeFileSync(
      join(vps2, 'decision.json'),
      JSON.stringify({
        node: 'vps2',
        level: 1,
        halted: ['dev'],
        reason: 'level 1: MemAvailable 900 MB < 2000 MB',
        since: updatedAt,
        updatedAt,
      }),
    );
    sh(vps2, 'git', ['add', 'decision.json']);
    sh(vps2, 'git', ['commit', '-qm', 'telemetry'], IDENTITY);
    sh(vps2, 'git', ['push', '-q', 'origin', 'telemetry/vps2']);

    const dir = await fixture.clone('agent', fixture.bare);
    const status = await factoryctl(['status', '--json'], {
      cwd: dir,
      env: { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') },
    });
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      nodes: Record<string, { stale?: boolean }>;
      roles: { node: string; role: string; state: string; source: string }[];
      notes: string[];
    };
    expect(parsed.nodes.vps2?.stale ?? false).toBe(stale);
    expect(parsed.roles.find((r) => r.node === 'vps2' && r.role === 'dev')).toMatchObject(
      stale ? { state: 'run', source: 'none' } : { state: 'halt', source: 'node' },
    );
    expect(parsed.notes.join('\n').includes('node vps2 STALE: node daemon silent since')).toBe(stale);
  });
});
