import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderAssignmentsYaml } from '../../src/domain/placement/assignments-file.js';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';

// By hand (the gate's full parse), as an operator might write it.
const assignments = (devNode: string) => `decidedAt: 2026-12-02T08:00:00Z
epoch: 3
slots:
  dev@o/a:
    node: ${devNode}
    reason: most headroom after placement
    candidates:
      vps1: { score: 1200 }
      vps2: { score: 1830 }
`;
// As the supervisor writes it (the gate's line scan, assignments-scan.ts).
const written = (devNode: string) =>
  renderAssignmentsYaml({
    decidedAt: '2026-12-02T08:00:00Z',
    epoch: 3,
    slots: {
      'dev@o/a': {
        node: devNode,
        reason: 'most headroom after placement',
        candidates: { vps1: { score: 1200 }, vps2: { score: 1830 } },
      },
    },
    peaks: { 'dev@o/a': 900 },
  });

// Two machines, each its own clone and run dir: the newest assignments.yaml each has pulled decides
// which one may run the slot, so a stale crontab line on the other cannot run it twice.
describe('the gate runs a slot only on the node assignments.yaml gives it', () => {
  const fixtures: ControlRepoFixture[] = [];
  afterAll(() => fixtures.forEach((f) => f.cleanup()));

  async function machine(fixture: ControlRepoFixture, node: string) {
    const dir = await fixture.clone(node, fixture.bare);
    const env = {
      FACTORY_NODE: node,
      FACTORY_RUN_DIR: join(fixture.root, `${node}-run`),
      FACTORY_STATE_DIR: join(fixture.root, `${node}-state`),
    };
    mkdirSync(env.FACTORY_RUN_DIR, { recursive: true });
    mkdirSync(env.FACTORY_STATE_DIR, { recursive: true });
    return { dir, env };
  }

  it('answers 75 "assigned to <node>" elsewhere, follows a move after a pull, and the node halts what is not its own', async () => {
    const fixture = makeControlRepo({
      files: {
        'factory-state/assignments.yaml': assignments('vps2'),
        'repos/o/a.yaml': 'forge: codeberg\nagents: { dev: {} }\n',
      },
    });
    fixtures.push(fixture);
    const [vps1, vps2] = [await machine(fixture, 'vps1'), await machine(fixture, 'vps2')];

    const elsewhere = await factoryctl(['gate', 'dev', '--repo', 'o/a', '--json'], { cwd: vps1.dir, env: vps1.env });
    expect(elsewhere.code, elsewhere.stderr).toBe(75);
    expect(JSON.parse(elsewhere.stdout)).toMatchObject({ run: false, source: 'placement' });
    expect(elsewhere.stderr).toContain('assigned to vps2');
    const own = await factoryctl(['gate', 'dev', '--repo', 'o/a'], { cwd: vps2.dir, env: vps2.env });
    expect(own.code, own.stderr).toBe(0);
    // Another repository's dev is not placed: it runs where factory.yaml puts it.
    const other = await factoryctl(['gate', 'dev', '--repo', 'o/other'], { cwd: vps1.dir, env: vps1.env });
    expect(other.code, other.stderr).toBe(0);

    // The supervisor moves the slot; each machine's gate pulls before it answers.
    const editor = await fixture.clone('editor', fixture.bare);
    writeFileSync(join(editor, 'factory-state/assignments.yaml'), written('vps1'));
    sh(editor, 'git', ['commit', '-qam', 'placement: dev@o/a to vps1']);
    sh(editor, 'git', ['push', '-q', 'origin', 'main']);
    const moved = await factoryctl(['gate', 'dev', '--repo', 'o/a'], { cwd: vps1.dir, env: vps1.env });
    expect(moved.code, moved.stderr).toBe(0);
    const left = await factoryctl(['gate', 'dev', '--repo', 'o/a'], { cwd: vps2.dir, env: vps2.env });
    expect(left.code).toBe(75);
    expect(left.stderr).toContain('assigned to vps1');

    // A cut-off machine that never pulled the move still refuses what it last saw given away.
    const cutOff = await factoryctl(['gate', 'dev', '--repo', 'o/a', '--no-pull'], { cwd: vps2.dir, env: vps2.env });
    expect(cutOff.code).toBe(75);

    const status = await factoryctl(['status', '--no-pull', '--json'], { cwd: vps2.dir, env: vps2.env });
    expect(status.code, status.stderr).toBe(0);
    const rows = (
      JSON.parse(status.stdout) as { roles: { role: string; repo?: string; state: string; reason: string }[] }
    ).roles;
    expect(rows).toContainEqual(
      expect.objectContaining({
        role: 'dev',
        repo: 'o/a',
        state: 'halt',
        reason: expect.stringContaining('assigned to vps1'),
      }),
    );

    // Each node applies the same rule: the slot's halt file on the node it left, none on its new node.
    for (const m of [vps1, vps2]) {
      const once = await factoryctl(['node', '--once'], { cwd: m.dir, env: m.env });
      expect(once.code, once.stderr).toBe(0);
    }
    expect(existsSync(join(vps2.env.FACTORY_RUN_DIR, 'halt', 'dev@o__a'))).toBe(true);
    expect(existsSync(join(vps1.env.FACTORY_RUN_DIR, 'halt', 'dev@o__a'))).toBe(false);
    expect(existsSync(join(vps1.env.FACTORY_STATE_DIR, '.dev-active'))).toBe(true);
  });
});
