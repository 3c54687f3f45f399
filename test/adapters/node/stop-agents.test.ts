import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selfAndAncestors, stopAgentProcesses } from '../../../src/adapters/node/stop-agents.js';

const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};

const readCmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

const tmp = mkdtempSync(join(tmpdir(), 'stop-agents-'));
const fakeCli = join(tmp, 'factoryctl.js');
writeFileSync(fakeCli, 'setInterval(() => {}, 1000);\n');

/** Polls `check` every 10 ms until it holds; fails naming `what` after the bound. */
async function until(what: string, check: () => boolean, boundMs = 10_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${boundMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('stopAgentProcesses on real processes', () => {
  const groups: number[] = [];
  /** Each agent in a group of its own: afterAll also takes what an agent started (the trap case's sleep). */
  const start = (args: string[]) => {
    const child = spawn(args[0]!, args.slice(1), { stdio: 'ignore', detached: true });
    groups.push(child.pid!);
    return child.pid!;
  };
  afterAll(() => {
    for (const pgid of groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // the whole group is gone
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it.each([
    {
      situation: 'a plain agent: SIGTERM is enough',
      args: ['sleep', '300'],
      spare: false,
      by: 'SIGTERM',
      survives: false,
    },
    {
      situation: 'an agent ignoring TERM: SIGKILL after the grace',
      args: ['sh', '-c', `trap '' TERM; touch "$0"; sleep 300 & wait; sleep 300`, join(tmp, 'trap-ready')],
      spare: false,
      by: 'SIGKILL',
      survives: false,
    },
    {
      situation: 'a spared process (the daemon, a protected role): untouched',
      args: ['sleep', '300'],
      spare: true,
      by: undefined,
      survives: true,
    },
    {
      situation: 'factoryctl itself at the top of the tree: untouched',
      args: [process.execPath, fakeCli],
      spare: false,
      by: undefined,
      survives: true,
    },
  ])('$situation', async ({ args, spare, by, survives }) => {
    const pid = start(args);
    // Set up before the claim: the program runs (exec done), and the trap case has installed its trap.
    await until(`${args[0]} to run`, () => readCmdline(pid).startsWith(args.join('\0')));
    if (args[0] === 'sh') await until('the TERM trap', () => existsSync(join(tmp, 'trap-ready')));
    const stopped = await stopAgentProcesses([{ role: 'dev', pid, tree: [pid] }], 500, {
      spared: new Set(spare ? [pid] : []),
      pollMs: 20,
    });
    expect(stopped.map((s) => s.by)[0]).toBe(by);
    // A signal is delivered, not waited for: a stopped agent is gone soon after, a spared one is still there.
    if (survives) expect(alive(pid)).toBe(true);
    else await until(`pid ${pid} to exit`, () => !alive(pid));
  });

  it('selfAndAncestors holds this process and its parent', () => {
    const found = selfAndAncestors();
    expect(found.has(process.pid)).toBe(true);
    expect(found.has(process.ppid)).toBe(true);
  });
});
