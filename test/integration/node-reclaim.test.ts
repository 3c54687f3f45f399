import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { cleanupAll, unmount } from '../support/cleanup.js';
import { nodeFactoryYaml, startNode, waitFor, type RunningNode } from '../support/node-fixture.js';

/** A file of `mb` MiB allocated at once (fallocate): the disk crosses its line in one step, not while it is written. */
const fill = (path: string, mb: number) => execFileSync('fallocate', ['-l', `${mb}M`, path]);
const journalOf = (dir: string) => {
  try {
    return sh(dir, 'git', ['show', 'refs/heads/telemetry/test-node:journal.jsonl']);
  } catch {
    return ''; // no telemetry committed yet
  }
};
const kinds = (journal: string) =>
  journal
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; reason: string });

describe('policy.reclaim: a real tmpfs filling past level 1, with reclaim actions run during the hold', () => {
  const fixtures: ControlRepoFixture[] = [];
  const mounts: string[] = [];
  const daemons: RunningNode[] = [];
  afterAll(() =>
    cleanupAll([
      ...daemons.map((d) => () => d.stop(5_000)),
      ...mounts.map((m) => () => unmount(m)),
      ...fixtures.map((f) => () => f.cleanup()),
    ]),
  );

  /** A 64 MB tmpfs watched by level 1 (halt above 50% used), with `actions` for it, and a node daemon on it. */
  async function setUp(actions: (disk: string) => unknown[]) {
    const scratch = makeControlRepo();
    fixtures.push(scratch);
    const disk = join(scratch.root, 'disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', disk]);
    mounts.push(disk);
    const policy = {
      sampleInterval: '200ms',
      // Long enough for the actions to run and a sample to follow them, even with both cores busy.
      hold: '15s',
      resumeHold: '1s',
      stabilisation: '1s',
      mounts: [disk],
      levels: { '1': { diskUsedPercent: { halt: 50, resume: 30 } } },
      reclaim: { backoff: '1h', disk: { [disk]: actions(disk) } },
    };
    const fixture = makeControlRepo({ factoryYaml: nodeFactoryYaml({ policy, control: ['halt-files'] }) });
    fixtures.push(fixture);
    const dir = await fixture.clone('node', fixture.bare);
    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    const daemon = startNode([], { cwd: dir, env });
    daemons.push(daemon);
    await waitFor('a first decision', () => existsSync(join(env.FACTORY_RUN_DIR, 'decision.json')));
    return { disk, dir, env, daemon };
  }

  it("an action that deletes the filler's old files: the level never engages, the journal shows what it freed", async () => {
    const t = await setUp((disk) => [{ command: `find '${disk}' -name 'old-*' -delete`, timeout: '30s' }]);
    for (let i = 0; i < 3; i++) fill(join(t.disk, `old-${i}`), 10);
    fill(join(t.disk, 'new-0'), 1);
    // The step past the line: one more old file.
    fill(join(t.disk, 'old-3'), 10);
    const journal = await waitFor('the level-1 condition over before its hold, and the action journaled', () => {
      const text = journalOf(t.dir);
      return text.includes('"spike-ignored"') && text.includes('"reclaim-action"') ? text : '';
    });
    const events = kinds(journal);
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['reclaim-started', 'reclaim-action']));
    expect(events.map((e) => e.kind)).not.toContain('level-changed');
    expect(events.map((e) => e.kind)).not.toContain('role-halted');
    const action = events.find((e) => e.kind === 'reclaim-action')!.reason;
    expect(action).toMatch(/^reclaim disk \/.*: ".*find .*old-\*.* -delete" exit 0 after \d+m?s; freed (\d+) MB/);
    expect(Number(/freed (\d+) MB/.exec(action)![1])).toBeGreaterThanOrEqual(39);
    expect(await t.daemon.stop(), t.daemon.stderr()).toBe(0);
  });

  it('actions that hang, fail or free too little: each journaled, and the level engages after its hold', async () => {
    const t = await setUp((disk) => [{ command: 'sleep 600', timeout: '1s' }, 'exit 3', `rm -f '${disk}/old-0'`]);
    fill(join(t.disk, 'old-0'), 2);
    fill(join(t.disk, 'new-0'), 38);
    const journal = await waitFor(
      'level 1 engaged',
      () => {
        const text = journalOf(t.dir);
        return text.includes('"level-changed"') ? text : '';
      },
      60_000,
    );
    const events = kinds(journal);
    const actions = events.filter((e) => e.kind === 'reclaim-action').map((e) => e.reason);
    expect(actions, actions.join('\n')).toEqual([
      expect.stringMatching(/"sleep 600" killed at its 1s bound; freed 0 MB/),
      expect.stringMatching(/"exit 3" exit 3 after \d+m?s; freed 0 MB/),
      expect.stringMatching(/"rm -f .*old-0'" exit 0 after \d+m?s; freed 2 MB/),
    ]);
    const order = events.map((e) => e.kind);
    expect(order.indexOf('reclaim-started')).toBeLessThan(order.indexOf('level-changed'));
    expect(events.find((e) => e.kind === 'level-changed')!.reason).toMatch(/^level 1: disk .* used > 50% for \d+s/);
    expect(await t.daemon.stop(), t.daemon.stderr()).toBe(0);
  });
});
