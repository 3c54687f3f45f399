import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess, type ProcessOptions } from '../../../src/adapters/process/run-process.js';
import { runGit } from '../../../src/adapters/git/run-git.js';
import { groupMembers } from '../../../src/adapters/process/process-group.js';

const dir = mkdtempSync(join(tmpdir(), 'factoryctl-run-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runProcess: the one process runner (git, the config worker, alarm commands, builds, crontab)', () => {
  // [situation, command, args, options, expected result]
  const rows: [string, string, string[], ProcessOptions, object][] = [
    [
      'exit code and both outputs',
      '/bin/sh',
      ['-c', 'echo out; echo err >&2; exit 3'],
      {},
      { code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false },
    ],
    ['input on stdin', '/bin/sh', ['-c', 'cat'], { input: 'fed\n' }, { code: 0, stdout: 'fed\n' }],
    ['no input: stdin is empty', '/bin/sh', ['-c', 'cat; echo done'], {}, { code: 0, stdout: 'done\n' }],
    [
      'env added to ours, cwd honoured',
      '/bin/sh',
      ['-c', 'echo "$RUN_PROCESS_TEST $(pwd)"'],
      { env: { RUN_PROCESS_TEST: 'set' }, cwd: dir },
      { stdout: `set ${dir}\n` },
    ],
    [
      'past its bound: killed, said so',
      '/bin/sh',
      ['-c', 'sleep 30'],
      { timeoutMs: 200 },
      { timedOut: true, signal: 'SIGKILL' },
    ],
    [
      'past its bound in our group: killed too',
      '/bin/sh',
      ['-c', 'sleep 30'],
      { timeoutMs: 200, ownGroup: false },
      { timedOut: true },
    ],
    [
      'cannot be started: code 127, the error, never a throw',
      join(dir, 'no-such-program'),
      [],
      {},
      { code: 127, spawnError: expect.any(Error) },
    ],
  ];
  it.each(rows)('%s', async (_, cmd, args, opts, expected) => {
    expect(await runProcess(cmd, args, opts)).toMatchObject(expected);
  });

  it('a timeout kills what the command started too (its own process group)', async () => {
    // The shell leads the group; its background sleep holds stdout, so the result comes only once both are gone.
    const r = await runProcess('/bin/sh', ['-c', 'echo $$; sleep 30 & wait'], { timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    // A killed process closes its pipes a moment before the kernel marks it dead: watch the group empty.
    const pgid = Number(r.stdout.trim());
    for (let deadline = Date.now() + 10_000; groupMembers(pgid).length > 0 && Date.now() < deadline;)
      await new Promise((done) => setTimeout(done, 10));
    expect(groupMembers(pgid)).toEqual([]);
  });

  it('runGit goes through it: output, input, and a git that cannot start rejects', async () => {
    expect((await runGit(dir, ['init', '--quiet'])).code).toBe(0);
    expect((await runGit(dir, ['hash-object', '--stdin'], { input: 'x' })).stdout.trim()).toMatch(/^[0-9a-f]{40}$/);
    expect((await runGit(dir, ['no-such-command'])).code).not.toBe(0);
    const path = process.env.PATH;
    process.env.PATH = dir;
    try {
      await expect(runGit(dir, ['status'])).rejects.toThrow(/ENOENT/);
    } finally {
      process.env.PATH = path;
    }
  });
});
