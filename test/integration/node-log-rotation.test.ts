// The node daemon rotates its agents' run logs by factory.yaml's agentLogs, in its own cycle.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, type ControlRepoFixture } from '../support/control-repo.js';
import { nodeFactoryYaml } from '../support/node-fixture.js';

describe('node cycle: agent run log rotation', () => {
  let fixture: ControlRepoFixture;
  let dir: string;
  beforeAll(async () => {
    const yaml = parse(nodeFactoryYaml({ policy: {} })) as Record<string, unknown>;
    fixture = makeControlRepo({ factoryYaml: stringify({ ...yaml, agentLogs: { maxMiB: 1, keep: 2 } }) });
    dir = await fixture.clone('node', fixture.bare);
  });
  afterAll(() => fixture?.cleanup());

  it('rotates a log past agentLogs.maxMiB and keeps agentLogs.keep rotated files', async () => {
    const logDir = join(fixture.root, 'run', 'log');
    mkdirSync(logDir, { recursive: true });
    const big = 'a dev run line\n'.repeat(80_000); // 1.2 MB
    writeFileSync(join(logDir, 'dev.log'), big);
    writeFileSync(join(logDir, 'dev.log.1'), 'the run before\n');
    writeFileSync(join(logDir, 'dev.log.2'), 'the oldest run\n');
    writeFileSync(join(logDir, 'review.log'), 'small\n');
    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    const r = await factoryctl(['node', '--once'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(logDir).sort()).toEqual(['dev.log', 'dev.log.1', 'dev.log.2', 'review.log']);
    expect(statSync(join(logDir, 'dev.log')).size).toBe(0);
    expect(readFileSync(join(logDir, 'dev.log.1'), 'utf8')).toBe(big);
    expect(readFileSync(join(logDir, 'dev.log.2'), 'utf8')).toBe('the run before\n');
    expect(readFileSync(join(logDir, 'review.log'), 'utf8')).toBe('small\n');
  });
});
