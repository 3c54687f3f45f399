import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** the signal that ended it (SIGKILL after a timeout) */
  signal?: NodeJS.Signals;
  /** set when it could not be started at all (code 127) */
  spawnError?: Error;
}

export interface ProcessOptions {
  /** default: this process's */
  cwd?: string;
  /** killed (SIGKILL) past this; none: no bound */
  timeoutMs?: number;
  /** added to this process's environment */
  env?: NodeJS.ProcessEnv;
  /** written to its stdin, then closed; none: stdin is /dev/null */
  input?: string;
  /**
   * Its own process group (default), so a timeout also kills what it started (npm's scripts,
   * esbuild's service); false keeps it in ours, so a terminal's Ctrl-C reaches it too (git).
   */
  ownGroup?: boolean;
}

/**
 * The one process runner: runs a command to its end, output captured, optionally time-bound.
 * Never throws for a failure: the result says it. (Agents, which outlive a call, are the loop
 * runner's: src/adapters/node/loop-runner.ts.)
 */
export function runProcess(cmd: string, args: string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  const ownGroup = opts.ownGroup ?? true;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: ownGroup,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            kill(child.pid, ownGroup, () => child.kill('SIGKILL'));
          }, opts.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}`, timedOut, spawnError: error });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut, ...(signal ? { signal } : {}) });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // one that died early: 'close' says why
      child.stdin.end(opts.input);
    }
  });
}

function kill(pid: number | undefined, group: boolean, alone: () => void): void {
  if (!group || pid === undefined) return alone();
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    alone();
  }
}

/**
 * Why a command failed, in one journal line: its error lines when it printed some (esbuild's
 * "file:line:col: ERROR: ..." rather than the stack under it), else the last lines of its output.
 */
export function failureSummary(what: string, result: ProcessResult): string {
  if (result.timedOut) return `${what} timed out`;
  const lines = (result.stderr.trim() || result.stdout.trim())
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const located = lines.filter((l) => /^\S+:\d+:\d+: error\b/i.test(l));
  const errors = lines.filter((l) => /^(✘ \[ERROR\]|npm ERR!|npm error|\w*Error\b)/.test(l));
  const chosen = located.length > 0 ? located.slice(0, 3) : errors.length > 0 ? errors.slice(0, 3) : lines.slice(-4);
  return `${what} failed (exit ${result.code})${chosen.length > 0 ? `: ${chosen.join(' / ')}` : ''}`;
}
