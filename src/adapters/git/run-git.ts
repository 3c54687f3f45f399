import { runProcess, type ProcessResult } from '../process/run-process.js';

export type GitResult = ProcessResult;

export interface GitOptions {
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the system git through the one process runner: it reaches every remote the machine can
 * (file, HTTP(S), SSH with the user's ssh config and ControlMaster), and costs no module load.
 * Never throws for a non-zero exit; a git that cannot be started at all rejects.
 */
export async function runGit(dir: string, args: string[], opts: GitOptions = {}): Promise<GitResult> {
  const result = await runProcess('git', ['-C', dir, ...args], {
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...opts.env },
    input: opts.input ?? '',
    ownGroup: false,
    timeoutMs: opts.timeoutMs,
  });
  if (result.spawnError) throw result.spawnError;
  return result;
}

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly result: GitResult,
  ) {
    super(
      `git ${args.join(' ')} failed${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.trim().split('\n').slice(-3).join(' / ') || `exit ${result.code}`}`,
    );
    this.name = 'GitError';
  }
}

/** runGit that throws GitError on failure and returns trimmed stdout. */
export async function git(dir: string, args: string[], opts: GitOptions = {}): Promise<string> {
  const result = await runGit(dir, args, opts);
  if (result.code !== 0 || result.timedOut) throw new GitError(args, result);
  return result.stdout.trimEnd();
}
