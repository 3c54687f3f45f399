import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, type ControlRepoFixture } from '../support/control-repo.js';
import { cleanupAll } from '../support/cleanup.js';
import { holdRootCrontab, readRoot, writeRoot } from '../support/root-crontab.js';

// A node that reaches its agents through the crontab alone: no halt-files step makes the log directory.
const FACTORY = stringify({
  version: 1,
  name: 'cron-only',
  roles: {
    review: { haltLevel: 2, command: './review-poll.sh', schedule: { min: '2m', max: '30m' } },
    supervisor: { protected: true },
  },
  nodes: { default: { roles: ['review', 'supervisor'], control: ['crontab'] } },
  policy: { sampleInterval: '200ms', hold: '0s', mounts: ['/'] },
});

describe('a crontab-only node', () => {
  let fixture: ControlRepoFixture;
  let crontab: Awaited<ReturnType<typeof holdRootCrontab>>;
  beforeAll(async () => {
    crontab = await holdRootCrontab();
    writeRoot('');
    fixture = makeControlRepo({ factoryYaml: FACTORY });
  });
  afterAll(() => cleanupAll([() => crontab?.release(), () => fixture?.cleanup()]));

  it('makes the log directory its lines append to, so the first run cron starts is logged', async () => {
    const dir = await fixture.clone('node', fixture.bare);
    writeFileSync(join(dir, 'review-poll.sh'), '#!/bin/sh\necho "review ran"\n');
    chmodSync(join(dir, 'review-poll.sh'), 0o755);
    const env = {
      FACTORY_NODE: 'vps1',
      FACTORY_RUN_DIR: join(fixture.root, 'run'),
      FACTORY_STATE_DIR: join(fixture.root, 'state'),
    };
    const once = await factoryctl(['node', '--once'], { cwd: dir, env });
    expect(once.code, once.stderr).toBe(0);
    expect(existsSync(join(env.FACTORY_RUN_DIR, 'log'))).toBe(true);

    const line = readRoot()
      .split('\n')
      .find((l) => l.includes("gate 'review'") && !l.startsWith('#'));
    expect(line).toBeDefined();
    // the line as cron runs it: its command after the five time fields
    const command = line!.split(' ').slice(5).join(' ').replaceAll('\\%', '%');
    const run = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(env.FACTORY_RUN_DIR, 'log', 'review.log'), 'utf8')).toContain('review ran');
  });
});
