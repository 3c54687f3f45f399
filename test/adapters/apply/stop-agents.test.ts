import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selfAndAncestors, stopAgentProcesses } from '../../../src/adapters/apply/stop-agents.js';

const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
};

const tmp = mkdtempSync(join(tmpdir(), 'stop-agents-'));
const fakeCli = join(tmp, 'factoryctl.js');
writeFileSync(fakeCli, 'setInterval(() => {}, 1000);\n');

describe('stopAgentProcesses on real processes', () => {
  const pids: number[] = [];
  const start = (args: string[]) => {
    const child = spawn(args[0]!, args.slice(1), { stdio: 'ignore' });
    pids.push(child.pid!);
    return child.pid!;
  };
  afterAll(() => {
    pids.forEach((pid) => alive(pid) && process.kill(pid, 'SIGKILL'));
    rmSync(tmp, { recursive: true, force: true });
  });

  it.each([
    { situation: 'a plain agent: SIGTERM is enough', args: ['sleep', '300'], spare: false, by: 'SIGTERM', survives: false },
    { situation: 'an agent ignoring TERM: SIGKILL after the grace', args: ['sh', '-c', "trap '' TERM; sleep 300 & wait; sleep 300"], spare: false, by: 'SIGKILL', survives: false },
    { situation: 'a spared process (the daemon, a protected role): untouched', args: ['sleep', '300'], spare: true, by: undefined, survives: true },
    { situation: 'factoryctl itself at the top of the tree: untouched', args: [process.execPath, fakeCli], spare: false, by: undefined, survives: true },
  ])('$situation', async ({ args, spare, by, survives }) => {
    const pid = start(args);
    await new Promise((resolve) => setTimeout(resolve, 100)); // let sh exec / install its trap: this is setup, not the claim
    const stopped = await stopAgentProcesses([{ role: 'dev', pid, tree: [pid] }], 500, { spared: new Set(spare ? [pid] : []), pollMs: 20 });
    expect(stopped.map((s) => s.by)[0]).toBe(by);
    expect(alive(pid)).toBe(survives);
  });

  it('selfAndAncestors holds this process and its parent', () => {
    const found = selfAndAncestors();
    expect(found.has(process.pid)).toBe(true);
    expect(found.has(process.ppid)).toBe(true);
  });
});
