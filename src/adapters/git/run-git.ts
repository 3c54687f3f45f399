import { spawn } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface GitOptions {
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the system git: it reaches every remote the machine can (file, HTTP(S), SSH with the
 * user's ssh config and ControlMaster), and costs no module load. Never throws for a non-zero exit.
 */
export function runGit(dir: string, args: string[], opts: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', dir, ...args], {
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly result: GitResult,
  ) {
    super(`git ${args.join(' ')} failed${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.trim().split('\n').slice(-3).join(' / ') || `exit ${result.code}`}`);
    this.name = 'GitError';
  }
}

/** runGit that throws GitError on failure and returns trimmed stdout. */
export async function git(dir: string, args: string[], opts: GitOptions = {}): Promise<string> {
  const result = await runGit(dir, args, opts);
  if (result.code !== 0 || result.timedOut) throw new GitError(args, result);
  return result.stdout.trimEnd();
}
