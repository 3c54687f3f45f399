// factoryctl nodes, assignments and status against a real control repo: main with factory.yaml and
// assignments.yaml, a telemetry branch per node pushed by that node's own clone, a fresh clone
// that pulls and fetches them as an operator's would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { renderAssignmentsYaml, type Assignments } from '../../src/domain/placement/assignments-file.js';
import { factoryctl } from '../support/cli.js';
import { IDENTITY, makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';

const factoryYaml = stringify({
  version: 1,
  name: 'two-machines',
  roles: {
    dev: { haltLevel: 1, heavy: true, command: './dev-poll.sh' },
    review: { haltLevel: 2, command: './review-poll.sh' },
    supervisor: { protected: true },
  },
  nodes: {
    vps1: { roles: ['dev', 'review', 'supervisor'], ssh: 'factory@10.0.0.1', woodpeckerAgent: 4 },
    vps2: { roles: ['dev', 'review'], ssh: 'factory@10.0.0.2:2222', labels: { size: 'large' } },
  },
  policy: { levels: { '1': { memAvailableMb: { halt: 1000, resume: 1200 } } } },
});

const placed: Assignments = {
  decidedAt: '2026-12-02T08:00:00Z',
  epoch: 3,
  slots: {
    'dev@o/a': {
      node: 'vps2',
      reason: 'most headroom after placement',
      candidates: { vps1: { score: 400 }, vps2: { score: 5200 } },
    },
    'dev@o/b': {
      node: 'vps2',
      reason: 'most headroom after placement',
      candidates: { vps1: { score: 300 }, vps2: { score: 4700 } },
    },
    review: {
      node: null,
      halted: true,
      reason: 'no node qualifies: review halted on every node',
      candidates: { vps1: { excluded: 'review halted here (level 2)' }, vps2: { excluded: 'review halted here' } },
    },
    supervisor: { node: 'vps1', reason: 'the only node that may run it', candidates: { vps1: { score: 900 } } },
  },
  nodes: {
    vps1: { state: 'ready', since: '2026-12-02T06:00:00Z' },
    vps2: { state: 'suspect', since: '2026-12-02T07:58:00Z' },
  },
};

/** That node's clone pushes its telemetry branch: decision.json and sample.json as the daemon writes them. */
async function pushTelemetry(fixture: ControlRepoFixture, node: string, level: number, avail: number, total: number) {
  const dir = await fixture.clone(`${node}-telemetry`, fixture.bare);
  const at = new Date(Date.now() - 20_000).toISOString();
  sh(dir, 'git', ['checkout', '-q', '--orphan', `telemetry/${node}`]);
  sh(dir, 'git', ['rm', '-rqf', '.']);
  const decision = { node, level, halted: level > 0 ? ['dev'] : [], reason: 'measured', since: at, updatedAt: at };
  const sample = {
    at: Date.parse(at),
    memAvailableMb: avail,
    memTotalMb: total,
    swapUsedMb: 0,
    disks: [
      { mount: '/', usedPercent: 41.2, freeMb: 30_000 },
      { mount: '/var/lib/docker', usedPercent: 77.5, freeMb: 4_500 },
    ],
    load1: 0.4,
    cores: 2,
  };
  writeFileSync(join(dir, 'decision.json'), `${JSON.stringify(decision, null, 2)}\n`);
  writeFileSync(join(dir, 'sample.json'), `${JSON.stringify(sample, null, 2)}\n`);
  sh(dir, 'git', ['add', 'decision.json', 'sample.json']);
  sh(dir, 'git', ['commit', '-qm', `telemetry ${node}`], IDENTITY);
  sh(dir, 'git', ['push', '-q', 'origin', `telemetry/${node}`]);
}

describe('factoryctl nodes and assignments, and status with placement', () => {
  const fixtures: ControlRepoFixture[] = [];
  let dir: string;
  const env = { FACTORY_NODE: 'vps1' };
  afterAll(() => fixtures.forEach((f) => f.cleanup()));

  beforeAll(async () => {
    const fixture = makeControlRepo({
      factoryYaml,
      files: { 'factory-state/assignments.yaml': renderAssignmentsYaml(placed) },
    });
    fixtures.push(fixture);
    await pushTelemetry(fixture, 'vps1', 1, 900, 2000);
    await pushTelemetry(fixture, 'vps2', 0, 6200, 8000);
    dir = await fixture.clone('operator', fixture.bare);
  });

  it('nodes --json: state, heartbeat, memory and disk room, level, slots, agent, address', async () => {
    const r = await factoryctl(['nodes', '--json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const { nodes, notes } = JSON.parse(r.stdout) as { nodes: Record<string, unknown>[]; notes: string[] };
    expect(notes).toEqual([]);
    expect(nodes.map((n) => n.node)).toEqual(['vps1', 'vps2']);
    expect(nodes[0]).toMatchObject({
      state: 'ready',
      level: 1,
      halted: ['dev'],
      memAvailableMb: 900,
      memTotalMb: 2000,
      level1Mb: 1000,
      headroomMb: -100,
      disk: { mount: '/var/lib/docker', usedPercent: 77.5, freeMb: 4500 },
      slots: ['supervisor'],
      woodpeckerAgent: 4,
      ssh: 'factory@10.0.0.1',
    });
    expect(nodes[1]).toMatchObject({ state: 'suspect', headroomMb: 5200, slots: ['dev@o/a', 'dev@o/b'] });
    expect(nodes[1]!.heartbeatAgeMs).toBeGreaterThanOrEqual(20_000);
  });

  it('nodes: a row and a detail line per node, within 80 columns', async () => {
    const r = await factoryctl(['nodes'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NODE +STATE +HEARTBEAT +MEM FREE +ABOVE L1 +DISK +LEVEL +SLOTS$/);
    expect(lines[1]).toMatch(/^vps1 +ready +\d+s ago +900M\/2\.0G +-100M +78% +1 +1$/);
    expect(lines.slice(2, 4)).toEqual([
      '  slots: supervisor; disk /var/lib/docker 78% used, 4.4G free; level 1 at 1000M;',
      '  halted here: dev; woodpecker agent 4; ssh factory@10.0.0.1',
    ]);
    expect(lines[4]).toMatch(/^vps2 +suspect +\d+s ago +6\.1G\/7\.8G +\+5\.1G +78% +0 +2$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('assignments --json: every slot with every candidate, best first', async () => {
    const r = await factoryctl(['assignments', '--json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const view = JSON.parse(r.stdout) as { epoch: number; slots: Record<string, unknown>[] };
    expect(view.epoch).toBe(3);
    expect(view.slots.map((s) => s.slot)).toEqual(['dev@o/a', 'dev@o/b', 'review', 'supervisor']);
    expect(view.slots[0]).toMatchObject({
      node: 'vps2',
      candidates: [
        { node: 'vps2', score: 5200 },
        { node: 'vps1', score: 400 },
      ],
      excluded: [],
    });
    expect(view.slots[2]).toMatchObject({ node: null, halted: true, candidates: [] });
  });

  it('assignments: the slot, its node or "waiting", why, the best candidates', async () => {
    const r = await factoryctl(['assignments'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('4 slots on 2 nodes, 1 waiting; decided 2026-12-02T08:00:00Z (epoch 3)');
    expect(lines).toContain('  best: vps2 5.1G, vps1 400M');
    expect(lines.find((l) => l.startsWith('review'))).toMatch(/^review +waiting +no node qualifies/);
    expect(lines).toContain('  no candidate scored; 2 excluded (vps1: review halted here (level 2))');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('status: a nodes and an assignments section after the roles', async () => {
    const r = await factoryctl(['status'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\nnodes:\nNODE +STATE.*\nvps1 +ready.*\nvps2 +suspect/);
    expect(r.stdout).toContain('\nassignments: 4 slots on 2 nodes, 1 waiting');
    expect(r.stdout).not.toContain('best:');
    const json = JSON.parse((await factoryctl(['status', '--json', '--no-pull'], { cwd: dir, env })).stdout) as {
      placement: { nodes: unknown[]; assignments: { slots: unknown[] } };
    };
    expect(json.placement.nodes).toHaveLength(2);
    expect(json.placement.assignments.slots).toHaveLength(4);
  });

  it('exit codes: 64 for an unknown flag, 66 without a control repo, --help 0', async () => {
    expect((await factoryctl(['nodes', '--bogus'], { cwd: dir, env })).code).toBe(64);
    expect((await factoryctl(['assignments', 'extra'], { cwd: dir, env })).code).toBe(64);
    const nowhere = await factoryctl(['nodes'], { cwd: '/', env: { ...env, FACTORY_DIR: '' } });
    expect(nowhere.code, nowhere.stderr).toBe(66);
    for (const cmd of ['nodes', 'assignments']) {
      const help = await factoryctl([cmd, '--help'], { cwd: dir, env });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`usage: factoryctl ${cmd} [--no-pull] [--json]`);
      for (const line of help.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    }
  });
});

describe('without placement, and with a broken assignments.yaml', () => {
  const fixtures: ControlRepoFixture[] = [];
  afterAll(() => fixtures.forEach((f) => f.cleanup()));

  it('a factory that never placed: status shows no placement sections; nodes lists the machines, state unknown', async () => {
    const fixture = makeControlRepo({ factoryYaml });
    fixtures.push(fixture);
    const dir = await fixture.clone('operator', fixture.bare);
    const status = await factoryctl(['status'], { cwd: dir, env: { FACTORY_NODE: 'vps1' } });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).not.toContain('nodes:');
    expect(status.stdout).not.toContain('assignments:');
    const json = JSON.parse((await factoryctl(['status', '--json'], { cwd: dir })).stdout) as object;
    expect(json).not.toHaveProperty('placement');
    const nodes = await factoryctl(['nodes', '--json'], { cwd: dir });
    expect(JSON.parse(nodes.stdout).nodes).toMatchObject([
      { node: 'vps1', state: 'unknown', slots: [] },
      { node: 'vps2', state: 'unknown', slots: [] },
    ]);
    const assignments = await factoryctl(['assignments'], { cwd: dir });
    expect(assignments.code, assignments.stderr).toBe(0);
    expect(assignments.stdout).toContain('no slots placed');
  });

  it('an invalid assignments.yaml: assignments exits 78 with the location, nodes and status go on with a note', async () => {
    const fixture = makeControlRepo({
      factoryYaml,
      files: { 'factory-state/assignments.yaml': 'slots:\n  "Not A Slot!":\n    node: vps1\n    reason: x\n' },
    });
    fixtures.push(fixture);
    const dir = await fixture.clone('operator', fixture.bare);
    const assignments = await factoryctl(['assignments'], { cwd: dir });
    expect(assignments.code).toBe(78);
    expect(assignments.stderr).toMatch(/factory-state\/assignments\.yaml:\d+:\d+: /);
    const nodes = await factoryctl(['nodes'], { cwd: dir });
    expect(nodes.code, nodes.stderr).toBe(0);
    expect(nodes.stderr).toContain('factoryctl nodes: placement not shown: factory-state/assignments.yaml:');
    expect(nodes.stdout).toMatch(/^vps1 +unknown/m);
  });
});
