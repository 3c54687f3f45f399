import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, type ControlRepoFixture } from '../support/control-repo.js';
import { nodeFactoryYaml } from '../support/node-fixture.js';

describe('the gate and status ignore a silent node daemon\'s decision', () => {
  const fixtures: ControlRepoFixture[] = [];
  afterAll(() => fixtures.forEach((f) => f.cleanup()));

  it.each([
    { situation: 'updated 30 s ago: the halt holds', ageMs: 30_000, code: 75, stale: false },
    { situation: 'silent for 3 min (bound: max(10 x 5 s, 2 min)): ignored, dev runs', ageMs: 180_000, code: 0, stale: true },
  ])('$situation', async ({ ageMs, code, stale }) => {
    const fixture = makeControlRepo({ factoryYaml: nodeFactoryYaml({ policy: { sampleInterval: '5s', mounts: ['/'] } }) });
    fixtures.push(fixture);
    const dir = await fixture.clone('agent', fixture.bare);
    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state'), FACTORY_NODE: 'test-node' };
    mkdirSync(env.FACTORY_RUN_DIR, { recursive: true });
    const updatedAt = new Date(Date.now() - ageMs).toISOString();
    writeFileSync(join(env.FACTORY_RUN_DIR, 'decision.json'), JSON.stringify({ node: 'test-node', level: 1, halted: ['dev'], reason: 'level 1: MemAvailable 900 MB < 2000 MB', since: updatedAt, updatedAt }));

    const gate = await factoryctl(['gate', 'dev'], { cwd: dir, env });
    expect(gate.code, gate.stderr).toBe(code);
    if (stale) expect(gate.stderr).toContain(`node daemon silent since ${updatedAt}: its decision (level 1, halting dev) is ignored`);
    else expect(gate.stderr).not.toContain('silent');

    const status = await factoryctl(['status', '--no-pull', '--json'], { cwd: dir, env });
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as { nodes: Record<string, { stale?: boolean }>; roles: { node: string; role: string; state: string }[]; notes: string[] };
    expect(parsed.nodes['test-node']?.stale ?? false).toBe(stale);
    expect(parsed.roles.find((r) => r.node === 'test-node' && r.role === 'dev')?.state).toBe(stale ? 'run' : 'halt');
    if (stale) expect(parsed.notes.join('\n')).toMatch(/node test-node STALE: node daemon silent since/);
  });
});
