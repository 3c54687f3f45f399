import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { startNode, waitFor } from '../support/node-fixture.js';
import { cleanupAll } from '../support/cleanup.js';
import { groupMembers, signalGroup } from '../../src/adapters/process/process-group.js';

const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};

describe('policy.stopRunningAtLevel3 with halt files: the node stops running agents of halted roles', () => {
  const fixtures: ControlRepoFixture[] = [];
  const children: ChildProcess[] = [];
  afterAll(() =>
    cleanupAll([
      // Each agent is a process group of its own: kill the group, or its `sleep 300` outlives the run.
      ...children.map((c) => () => signalGroup(c.pid!, 'SIGKILL')),
      ...fixtures.map((f) => () => f.cleanup()),
    ]),
  );

  it('SIGTERMs dev and review agents (SIGKILL after stopGrace for one that ignores TERM), spares the protected role and itself, journals it', async () => {
    const yaml = stringify({
      version: 1,
      name: 'stop-test',
      roles: {
        dev: { haltLevel: 1, heavy: true, command: './dev-poll.sh', schedule: { min: '2m', max: '30m' } },
        review: { haltLevel: 2, command: './review-poll.sh', schedule: { min: '2m', max: '30m' } },
        supervisor: { protected: true, command: './supervisor-poll.sh', schedule: { min: '1m', max: '15m' } },
      },
      nodes: { default: { roles: ['dev', 'review', 'supervisor'], control: ['halt-files'] } },
      // Level 3 at once on any machine: MemAvailable is always below a petabyte.
      policy: {
        sampleInterval: '200ms',
        hold: '0s',
        mounts: ['/'],
        stopRunningAtLevel3: true,
        stopGrace: '1s',
        levels: { '3': { memAvailableMb: { halt: 1e9, resume: 1e9 } } },
      },
    });
    const fixture = makeControlRepo({ factoryYaml: yaml });
    fixtures.push(fixture);
    const dir = await fixture.clone('node', fixture.bare);
    const scripts = join(fixture.root, 'scripts');
    sh(fixture.root, 'mkdir', ['-p', scripts]);
    // Real agents as cron would start them: a shell running the role's script, which starts a child.
    writeFileSync(join(scripts, 'dev-poll.sh'), 'sleep 300 & wait\n');
    writeFileSync(join(scripts, 'review-poll.sh'), "trap '' TERM\nsleep 300\n");
    writeFileSync(join(scripts, 'supervisor-poll.sh'), 'sleep 300\n');
    const start = (name: string) => {
      const child = spawn('sh', [join(scripts, name)], { stdio: 'ignore', detached: true });
      children.push(child);
      return child.pid!;
    };
    const dev = start('dev-poll.sh');
    const review = start('review-poll.sh');
    const supervisor = start('supervisor-poll.sh');
    // Each script has passed its first line (review's trap) once its sleep runs: only then is the node started.
    const sleeping = (pgid: number) =>
      groupMembers(pgid).some((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep\0'));
    for (const [name, pgid] of [
      ['dev', dev],
      ['review', review],
      ['supervisor', supervisor],
    ] as const)
      await waitFor(`the ${name} agent's sleep`, () => sleeping(pgid));

    const env = { FACTORY_RUN_DIR: join(fixture.root, 'run'), FACTORY_STATE_DIR: join(fixture.root, 'state') };
    const daemon = startNode([], { cwd: dir, env });
    try {
      await waitFor('the dev agent stopped by SIGTERM', () => !alive(dev), 15_000);
      await waitFor('the review agent (ignores TERM) killed after the grace', () => !alive(review), 15_000);
      expect(alive(supervisor)).toBe(true);
      expect(alive(daemon.child.pid!)).toBe(true);
      const log = await waitFor('both stops in the log', () =>
        /stopped the running review agent/.test(daemon.stderr()) ? daemon.stderr() : '',
      );
      expect(log).toMatch(
        new RegExp(`stopped the running dev agent \\(pid ${dev}, processes ${dev} \\d+\\) by SIGTERM\\b`),
      );
      expect(log).toMatch(
        new RegExp(`stopped the running review agent \\(pid ${review}, .*\\) by SIGTERM, then SIGKILL after 1000 ms`),
      );
      const journal = await waitFor('the stops on the telemetry branch', () => {
        const text = sh(dir, 'git', ['show', 'refs/heads/telemetry/test-node:journal.jsonl']);
        return text.includes('"agent-stopped"') && text.includes('"role":"review"') ? text : '';
      });
      expect(journal.split('\n').filter((l) => l.includes('"agent-stopped"')).length).toBe(2);
    } finally {
      expect(await daemon.stop(), daemon.stderr()).toBe(0);
    }
    expect(alive(supervisor)).toBe(true);
  });
});
