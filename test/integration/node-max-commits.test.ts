import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { nodeFactoryYaml, startNode, waitFor } from '../support/node-fixture.js';

describe('factoryctl node compacts its telemetry branch at telemetry.maxCommits', () => {
  const fixtures: ControlRepoFixture[] = [];
  afterAll(() => fixtures.forEach((f) => f.cleanup()));

  it('a heartbeat on every cycle and maxCommits 10: the branch is rewritten as one commit once it passes 10', async () => {
    const fixture = makeControlRepo({
      factoryYaml: nodeFactoryYaml({
        policy: { sampleInterval: '100ms', hold: '0s', mounts: ['/'] },
        telemetry: { heartbeat: '0s', maxCommits: 10 },
      }),
    });
    fixtures.push(fixture);
    const dir = await fixture.clone('node', fixture.bare);
    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    const branch = 'refs/heads/telemetry/test-node';
    const daemon = startNode([], { cwd: dir, env });
    try {
      const subject = await waitFor(
        'a compaction commit on the telemetry branch',
        () => {
          const s = sh(dir, 'git', ['log', '--format=%s', branch, '--']);
          return s.split('\n').find((line) => line.includes('compacted'));
        },
        120_000,
      );
      expect(subject).toContain('11 commits > 10');
      expect(Number(sh(dir, 'git', ['rev-list', '--count', branch]))).toBeLessThanOrEqual(10);
    } finally {
      expect(await daemon.stop(60_000), daemon.stderr()).toBe(0);
    }
  });
});
