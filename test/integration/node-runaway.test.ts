import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { cleanupAll } from '../support/cleanup.js';
import { startNode, waitFor, type RunningNode } from '../support/node-fixture.js';
import { holdRootCrontab, readRoot, writeRoot } from '../support/root-crontab.js';
import { groupMembers, signalGroup } from '../../src/adapters/process/process-group.js';

/** A factory whose dev agent is a real `sleep` stopped past maxRuntime; no pressure level ever engages. */
function factoryYaml(control: string[]): string {
  return stringify({
    version: 1,
    name: 'runaway-test',
    gate: { pullTimeout: '2s', maxStaleness: '15m' },
    roles: {
      dev: {
        haltLevel: 1,
        command: './dev-poll.sh',
        maxRuntime: '2s',
        schedule: { min: '1s', max: '1s' },
      },
      supervisor: { protected: true, schedule: { min: '1m', max: '15m' } },
    },
    nodes: { default: { roles: ['dev', 'supervisor'], control } },
    policy: {
      sampleInterval: '200ms',
      stopGrace: '1s',
      mounts: ['/'],
      levels: { '3': { memAvailableMb: { halt: 0, resume: 0 } } },
    },
  });
}

/** The process group of the running `sleep 300` this factory's dev agent started, once there is one. */
function sleepGroup(dir: string): number | undefined {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== 'sleep\x00300\x00') continue;
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`FACTORY_DIR=${dir}`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

const journalOf = (dir: string) => sh(dir, 'git', ['show', 'refs/heads/telemetry/test-node:journal.jsonl']);

describe('roles.<role>.maxRuntime: the node stops a runaway agent, its process group included, and says why', () => {
  const fixtures: ControlRepoFixture[] = [];
  const daemons: RunningNode[] = [];
  const groups: number[] = [];
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  let crontab: Awaited<ReturnType<typeof holdRootCrontab>>;
  beforeAll(async () => {
    crontab = await holdRootCrontab();
    writeRoot('');
  });
  afterAll(() =>
    cleanupAll([
      ...daemons.map((d) => () => d.stop(5_000)),
      ...groups.map((g) => () => signalGroup(g, 'SIGKILL')),
      // A run the loop started after the last one the test saw.
      ...dirs.map((d) => () => {
        const left = sleepGroup(d);
        if (left !== undefined && left > 1) signalGroup(left, 'SIGKILL');
      }),
      ...children.map((c) => () => signalGroup(c.pid!, 'SIGKILL')),
      ...fixtures.map((f) => () => f.cleanup()),
      () => crontab?.release(),
    ]),
  );

  async function setUp(control: string[], script: string) {
    const fixture = makeControlRepo({ factoryYaml: factoryYaml(control) });
    fixtures.push(fixture);
    const dir = await fixture.clone('node', fixture.bare);
    dirs.push(dir);
    writeFileSync(join(dir, 'dev-poll.sh'), `#!/bin/sh\n${script}`);
    chmodSync(join(dir, 'dev-poll.sh'), 0o755);
    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    return { dir, env };
  }

  it('cron mode: the agent started by its crontab line (ignoring SIGTERM) is killed after the grace', async () => {
    const { dir, env } = await setUp(['halt-files', 'crontab'], "trap '' TERM\nsleep 300\n");
    const daemon = startNode([], { cwd: dir, env });
    daemons.push(daemon);
    // The line the node wrote, run as cron runs it: `sh -c` in a session of its own.
    const line = await waitFor('the dev line in the crontab', () =>
      readRoot()
        .split('\n')
        .find((l) => l.includes("gate 'dev'") && !l.startsWith('#')),
    );
    const command = line!.split(' ').slice(5).join(' ').replaceAll('\\%', '%');
    const agent = spawn('/bin/sh', ['-c', command], { stdio: 'ignore', detached: true });
    children.push(agent);
    const pgid = (await waitFor('the agent sleeping', () => sleepGroup(dir)))!;
    expect(pgid).toBe(agent.pid);
    await waitFor('its process group gone', () => groupMembers(pgid).length === 0, 20_000);
    const journal = await waitFor('the stop on the telemetry branch', () => {
      const text = journalOf(dir);
      return text.includes('"agent-runaway-stopped"') ? text : '';
    });
    expect(journal).toMatch(
      /runaway: the dev agent \(pid \d+\) ran \d+s, past its maxRuntime of 2s \(1 in a row\): stopped by SIGTERM, then SIGKILL after 1000 ms/,
    );
    expect(await daemon.stop(), daemon.stderr()).toBe(0);
  });

  it('loop mode: the run the node started is stopped by SIGTERM, every run again; status reports the streak', async () => {
    const { dir, env } = await setUp(['loop'], 'sleep 300\n');
    const daemon = startNode([], { cwd: dir, env });
    daemons.push(daemon);
    const first = (await waitFor('the first run sleeping', () => sleepGroup(dir)))!;
    groups.push(first);
    await waitFor('its process group gone', () => groupMembers(first).length === 0, 20_000);
    const second = (await waitFor('the next run sleeping', () => {
      const g = sleepGroup(dir);
      return g !== undefined && g !== first ? g : undefined;
    }))!;
    groups.push(second);
    await waitFor('the next group gone too', () => groupMembers(second).length === 0, 20_000);
    const journal = await waitFor('both stops on the telemetry branch', () => {
      const text = journalOf(dir);
      return text.includes('(2 in a row)') ? text : '';
    });
    expect(journal).toMatch(
      /"kind":"agent-runaway-stopped".*past its maxRuntime of 2s \(1 in a row\): stopped by SIGTERM"/,
    );
    const status = await factoryctl(['status', '--no-pull', '--json'], {
      cwd: dir,
      env: { ...env, FACTORY_NODE: 'test-node' },
    });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).notices.join('\n')).toMatch(
      /node test-node: dev stopped past maxRuntime \d+ times in a row/,
    );
    // The daemon waits for the run in progress before it exits (a loop agent finishes its work): not asserted here.
    await daemon.stop(5_000);
  });
});
