import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, factoryctl } from '../support/cli.js';
import { makeControlRepo, type ControlRepoFixture } from '../support/control-repo.js';
import { cleanupAll } from '../support/cleanup.js';
import { startNode, waitFor, type RunningNode } from '../support/node-fixture.js';
import { signalGroup } from '../../src/adapters/process/process-group.js';

// A review agent the node's own loop starts every second, capped at one run at a time.
const FACTORY = stringify({
  version: 1,
  name: 'loop-gate-test',
  roles: {
    reviewer: { haltLevel: 2, command: './review-poll.sh', maxConcurrent: 1, schedule: { min: '1s', max: '1s' } },
    supervisor: { protected: true },
  },
  nodes: { default: { roles: ['reviewer', 'supervisor'], control: ['loop'] } },
  policy: { sampleInterval: '200ms', hold: '0s', stopGrace: '1s', mounts: ['/'] },
});

describe('the loop starts agents through `gate ROLE -- COMMAND`, as a crontab line does', () => {
  let fixture: ControlRepoFixture;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const daemons: RunningNode[] = [];
  const holders: ChildProcess[] = [];
  beforeAll(async () => {
    fixture = makeControlRepo({ factoryYaml: FACTORY });
    dir = await fixture.clone('node', fixture.bare);
    writeFileSync(
      join(dir, 'review-poll.sh'),
      `#!/bin/sh\necho "ran $FACTORY_ROLE" >> "${join(fixture.root, 'ran')}"\n`,
    );
    chmodSync(join(dir, 'review-poll.sh'), 0o755);
    env = {
      FACTORY_NODE: 'test-node',
      FACTORY_RUN_DIR: join(fixture.root, 'run'),
      FACTORY_STATE_DIR: join(fixture.root, 'state'),
    };
  });
  afterAll(() =>
    cleanupAll([
      ...daemons.map((d) => () => d.stop(5_000)),
      ...holders.map((h) => () => void (h.exitCode === null && signalGroup(h.pid!, 'SIGKILL'))),
      () => fixture?.cleanup(),
    ]),
  );

  it('a slot held by a script of the factory keeps the loop from running a second reviewer; freed, it runs', async () => {
    // The factory's own script, holding the only reviewer slot (in its own group, so kill -9 reaches it all).
    const holder = spawn(process.execPath, [BIN, 'gate', 'reviewer', '--no-pull', '--', 'sleep', '300'], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: 'ignore',
      detached: true,
    });
    holders.push(holder);
    await waitFor(
      'the slot taken',
      async () => {
        const r = await factoryctl(['gate', 'reviewer', '--no-pull', '--', 'true'], { cwd: dir, env });
        return r.code === 75 && r.stderr.includes('reviewer: 1 of 1 running');
      },
      60_000,
    );

    const daemon = startNode([], { cwd: dir, env });
    daemons.push(daemon);
    const log = join(env.FACTORY_RUN_DIR!, 'log', 'reviewer.log');
    await waitFor(
      'the loop refused by the cap',
      () => existsSync(log) && readFileSync(log, 'utf8').includes('1 of 1 running'),
      90_000,
    );
    expect(existsSync(join(fixture.root, 'ran'))).toBe(false);

    signalGroup(holder.pid!, 'SIGKILL'); // the kernel frees the slot with the process
    await waitFor('the loop running the reviewer', () => existsSync(join(fixture.root, 'ran')), 90_000);
    expect(readFileSync(join(fixture.root, 'ran'), 'utf8')).toContain('ran reviewer');
    expect(await daemon.stop(), daemon.stderr()).toBe(0);
  });

  it('SIGTERM stops the daemon promptly: its running agent (ignoring TERM) is killed after policy.stopGrace', async () => {
    writeFileSync(
      join(dir, 'review-poll.sh'),
      `#!/bin/sh\ntrap '' TERM\necho $$ > "${join(fixture.root, 'agent')}"\nsleep 300\n`,
    );
    const daemon = startNode([], { cwd: dir, env });
    daemons.push(daemon);
    const pidFile = join(fixture.root, 'agent');
    await waitFor(
      'the agent running',
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '',
      90_000,
    );
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(await daemon.stop(60_000), daemon.stderr()).toBe(0); // a bound for a hang, not a speed claim
    expect(daemon.stderr()).toContain('stopping: stopped reviewer');
    // The agent is the gate's grandchild: killed with its process group, reaped by whoever adopts it.
    await waitFor('the agent killed', () => !runningPid(pid), 30_000);
    const journal = execFileSync('git', ['show', 'refs/heads/telemetry/test-node:journal.jsonl'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(journal).toMatch(/"kind":"agents-stopped".*node stopping: stopped reviewer \(SIGTERM, SIGKILL after 1s\)/);
  });
});

/** Alive and not a zombie (a killed orphan stays in the table until its new parent reaps it). */
function runningPid(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
