import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelemetryBranch, type TelemetryBranch } from '../../src/adapters/telemetry/branch.js';
import type { TelemetryUpdate } from '../../src/domain/telemetry-files.js';
import { makeControlRepo, sh, shAsync, type ControlRepoFixture } from '../support/control-repo.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { nodeFactoryYaml, startNode, waitFor } from '../support/node-fixture.js';

const KEEP = 10;
const MAX_COMMITS = 8;

function update(i: number, level = 0): TelemetryUpdate {
  const at = Date.parse('2025-06-01T12:00:00Z') + i * 5000;
  const iso = new Date(at).toISOString();
  const sample = {
    at,
    memAvailableMb: 6000 - i,
    memTotalMb: 8000,
    swapUsedMb: 0,
    disks: [{ mount: '/', usedPercent: 40, freeMb: 30000 }],
    load1: 0.3,
    cores: 2,
  };
  return {
    sample,
    decision: { node: 'n1', level, halted: level > 0 ? ['dev'] : [], reason: `tick ${i}`, since: iso, updatedAt: iso },
    roles: { dev: { state: level > 0 ? 'halt' : 'run', source: level > 0 ? 'node' : 'none' } },
    events: [{ at: iso, kind: 'tick', reason: `event ${i}` }],
    rollup: {
      from: at,
      to: at,
      samples: 1,
      memAvailableMb: { min: 6000, max: 6000, sum: 6000 },
      swapUsedMbMax: 0,
      diskUsedPercentMax: { '/': 40 },
      load1Max: 0.3,
      levelMax: level,
    },
  };
}

describe('telemetry branch against a real git server', () => {
  let fixture: ControlRepoFixture;
  let server: GitServer;
  let dir: string;
  let branch: TelemetryBranch;
  let mainBefore: string;
  const remoteTip = () =>
    shAsync(fixture.bare, 'git', ['rev-parse', '--verify', '--quiet', 'refs/heads/telemetry/n1']).catch(() => '');
  const localTip = () => sh(dir, 'git', ['rev-parse', 'refs/heads/telemetry/n1']);
  const remoteFile = (path: string) => sh(fixture.bare, 'git', ['show', `telemetry/n1:${path}`]);

  beforeAll(async () => {
    fixture = makeControlRepo();
    server = await startGitServer(fixture.srv);
    dir = await fixture.clone('node', `${server.url}control.git`);
    mainBefore = sh(fixture.bare, 'git', ['rev-parse', 'main']);
    branch = createTelemetryBranch({
      dir,
      node: 'n1',
      keepSamples: KEEP,
      maxBranchKiB: 64,
      maxCommits: MAX_COMMITS,
      pushTimeoutMs: 5000,
      now: Date.now,
    });
    await branch.prepare();
  });
  afterAll(async () => {
    await server.close();
    fixture.cleanup();
  });

  it('commits to telemetry/<node> only: main, HEAD, the index and the work tree are untouched', async () => {
    const head = sh(dir, 'git', ['rev-parse', 'HEAD']);
    for (let i = 0; i < 3; i++) {
      await branch.commit([update(i)], `tick ${i}`);
      expect(await branch.push()).toEqual({ ok: true, pending: false });
    }
    expect(await remoteTip()).toBe(localTip());
    expect(sh(fixture.bare, 'git', ['rev-list', '--count', 'telemetry/n1'])).toBe('3');
    expect(sh(fixture.bare, 'git', ['rev-parse', 'main'])).toBe(mainBefore);
    expect(sh(dir, 'git', ['rev-parse', 'HEAD'])).toBe(head);
    expect(sh(dir, 'git', ['status', '--porcelain'])).toBe('');
    expect(JSON.parse(remoteFile('decision.json'))).toMatchObject({ node: 'n1', reason: 'tick 2' });
    expect(
      remoteFile('journal.jsonl')
        .split('\n')
        .map((l) => JSON.parse(l).reason),
    ).toEqual(['event 0', 'event 1', 'event 2']);
    expect(sh(fixture.bare, 'git', ['ls-tree', '--name-only', 'telemetry/n1']).split('\n').sort()).toEqual([
      'decision.json',
      'history.jsonl',
      'journal.jsonl',
      'roles.json',
      'sample.json',
    ]);
  });

  it('queues commits locally while the forge answers 503, and lands them all when it is back', async () => {
    const before = await remoteTip();
    server.setMode('error');
    try {
      for (let i = 3; i < 5; i++) {
        await branch.commit([update(i, 1)], `tick ${i}`);
        const outcome = await branch.push();
        expect(outcome.ok).toBe(false);
        expect(outcome.pending).toBe(true);
      }
      expect(await remoteTip()).toBe(before);
    } finally {
      server.setMode('up');
    }
    expect(await branch.push()).toEqual({ ok: true, pending: false });
    expect(await remoteTip()).toBe(localTip());
    expect(sh(fixture.bare, 'git', ['log', '--format=%s', 'telemetry/n1']).split('\n').slice(0, 2)).toEqual([
      'tick 4',
      'tick 3',
    ]);
  });

  it('compacts itself: the branch on the server stays under its commit bound, history and journal under theirs', async () => {
    const counts: number[] = [];
    for (let i = 5; i < 40; i++) {
      await branch.commit([update(i)], `tick ${i}`);
      expect((await branch.push()).ok).toBe(true);
      counts.push(Number(sh(fixture.bare, 'git', ['rev-list', '--count', 'telemetry/n1'])));
    }
    expect(Math.max(...counts)).toBeLessThanOrEqual(MAX_COMMITS);
    expect(counts.filter((c) => c === 1).length).toBeGreaterThanOrEqual(3); // it did compact, more than once
    expect(remoteFile('history.jsonl').trim().split('\n')).toHaveLength(KEEP);
    expect(JSON.parse(remoteFile('decision.json')).reason).toBe('tick 39');
    sh(fixture.bare, 'git', ['fsck', '--strict', '--no-dangling']);
    sh(dir, 'git', ['fsck', '--no-dangling']);
  });

  it('leases on the sha it pushed: a foreign push to its branch is detected, then overwritten by its one writer', async () => {
    const other = await fixture.clone('intruder', `${server.url}control.git`);
    await shAsync(other, 'git', ['fetch', '-q', 'origin', 'telemetry/n1']);
    sh(other, 'git', ['checkout', '-q', '-b', 'x', 'FETCH_HEAD']);
    writeFileSync(join(other, 'decision.json'), '{"torn":');
    sh(other, 'git', ['commit', '-qam', 'not the node']);
    await shAsync(other, 'git', ['push', '-q', '--force', 'origin', 'x:telemetry/n1']);

    await branch.commit([update(40)], 'tick 40');
    const rejected = await branch.push();
    expect(rejected.ok).toBe(false);
    expect(rejected.error).toMatch(/stale info|rejected/);
    expect(await branch.push()).toEqual({ ok: true, pending: false });
    expect(await remoteTip()).toBe(localTip());
    expect(JSON.parse(remoteFile('decision.json')).reason).toBe('tick 40');
  });

  it('a push that landed but was never recorded (killed in between) is not taken for a foreign one: the next push lands at once', async () => {
    const tracking = 'refs/remotes/origin/telemetry/n1';
    const recorded = sh(dir, 'git', ['rev-parse', tracking]);
    await branch.commit([update(41)], 'tick 41');
    // The server takes the push (its receive-pack finishes even when the client is killed); the node
    // dies before its tracking ref moves.
    await shAsync(dir, 'git', ['push', '-q', '--force', 'origin', `${localTip()}:refs/heads/telemetry/n1`]);
    sh(dir, 'git', ['update-ref', tracking, recorded]);
    expect(await remoteTip()).not.toBe(recorded);
    await branch.commit([update(42)], 'tick 42');
    expect(await branch.push()).toEqual({ ok: true, pending: false });
    expect(await remoteTip()).toBe(localTip());
    expect(JSON.parse(remoteFile('decision.json')).reason).toBe('tick 42');
  });
});

describe('factoryctl node commits telemetry on change and on its heartbeat', () => {
  let fixture: ControlRepoFixture;
  let server: GitServer;

  beforeAll(async () => {
    fixture = makeControlRepo({
      factoryYaml: nodeFactoryYaml({
        policy: { sampleInterval: '200ms', hold: '0s', mounts: ['/'] },
        telemetry: { heartbeat: '1s', maxBranchKiB: 256, keepSamples: 20 },
      }),
    });
    server = await startGitServer(fixture.srv);
  });
  afterAll(async () => {
    await server.close();
    fixture.cleanup();
  });

  it('heartbeats while nothing changes, commits at once on a change, queues through an outage, never touches main', async () => {
    const dir = await fixture.clone('node', `${server.url}control.git`);
    const mainBefore = sh(fixture.bare, 'git', ['rev-parse', 'main']);
    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    const log = async () =>
      (await shAsync(fixture.bare, 'git', ['log', '--format=%s', 'telemetry/test-node']).catch(() => ''))
        .split('\n')
        .filter(Boolean);
    const journal = async () =>
      shAsync(fixture.bare, 'git', ['show', 'telemetry/test-node:journal.jsonl']).catch(() => '');
    const daemon = startNode([], { cwd: dir, env });
    try {
      await waitFor(
        'two heartbeat commits on the server',
        async () => (await log()).filter((s) => s.endsWith('heartbeat')).length >= 2,
      );

      // A human's pinned halt, edited in the node's own clone: the next cycle sees it, commits at once.
      writeFileSync(
        join(dir, 'factory-state/overrides.yaml'),
        `overrides:\n  - { role: review, action: halt, reason: pinned for the test, by: alice, since: "2025-06-01T12:00:00Z" }\n`,
      );
      await waitFor('the role-halted event on the server', async () =>
        (await journal()).includes('"kind":"role-halted","role":"review"'),
      );

      server.setMode('error');
      const stuck = sh(fixture.bare, 'git', ['rev-parse', 'telemetry/test-node']);
      writeFileSync(join(dir, 'factory-state/overrides.yaml'), 'overrides: []\n');
      await waitFor('the resume committed locally during the outage', () =>
        sh(dir, 'git', ['show', 'telemetry/test-node:journal.jsonl']).includes('"kind":"role-resumed","role":"review"'),
      );
      await waitFor('a failed push reported', () => daemon.stderr().includes('telemetry queued locally'));
      expect(sh(fixture.bare, 'git', ['rev-parse', 'telemetry/test-node'])).toBe(stuck);
      server.setMode('up');
      await waitFor(
        'the queued resume landing on the server',
        async () => (await journal()).includes('"kind":"role-resumed","role":"review"'),
        45_000,
      );
      expect(sh(fixture.bare, 'git', ['rev-parse', 'main'])).toBe(mainBefore);
    } finally {
      expect(await daemon.stop(), daemon.stderr()).toBe(0);
    }
    expect(daemon.stderr()).toContain('telemetry push works again');
    sh(fixture.bare, 'git', ['fsck', '--no-dangling']);
  });
});
