import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeDecision } from '../../src/domain/config/state-schema.js';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';

const FACTORY = stringify({
  version: 1,
  name: 'exit-streak',
  roles: {
    review: { haltLevel: 2, command: './review-poll.sh', schedule: { min: '2m', max: '30m' } },
    supervisor: { protected: true },
  },
  nodes: { default: { roles: ['review', 'supervisor'], control: ['halt-files'] } },
  policy: { sampleInterval: '200ms', hold: '0s', mounts: ['/'] },
});

describe('gate ROLE -- COMMAND records each run exit: the node reports a slot whose runs keep failing', () => {
  let fixture: ControlRepoFixture | undefined;
  afterAll(() => fixture?.cleanup());

  it('a real command exiting 1 three times in a row shows as 3 in the telemetry decision; a success clears it', async () => {
    fixture = makeControlRepo({ factoryYaml: FACTORY });
    const dir = await fixture.clone('node', fixture.bare);
    const env = {
      FACTORY_NODE: 'vps1',
      FACTORY_RUN_DIR: join(fixture.root, 'run'),
      FACTORY_STATE_DIR: join(fixture.root, 'state'),
    };
    mkdirSync(env.FACTORY_STATE_DIR, { recursive: true });
    const run = (script: string) =>
      factoryctl(['gate', 'review', '--no-pull', '--', 'sh', '-c', script], { cwd: dir, env });
    const telemetryDecision = async (): Promise<NodeDecision> => {
      const once = await factoryctl(['node', '--once'], { cwd: dir, env });
      expect(once.code, once.stderr).toBe(0);
      return JSON.parse(sh(fixture!.bare, 'git', ['show', 'telemetry/vps1:decision.json'])) as NodeDecision;
    };

    for (let i = 0; i < 3; i++) {
      const r = await run('echo failing >&2; exit 1');
      expect(r.code, r.stderr).toBe(1);
    }
    const failing = await telemetryDecision();
    expect(failing.exits?.review).toMatchObject({ count: 3, code: 1 });
    expect(Date.parse(failing.exits!.review!.at)).not.toBeNaN();

    expect((await run('exit 0')).code).toBe(0);
    expect((await telemetryDecision()).exits).toBeUndefined();
  });
});
