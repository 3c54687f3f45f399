import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a command with a time bound. It gets its own process group so a timeout also kills what it
 * started (npm's scripts, esbuild's service). Never throws for a failure: the result says it.
 */
export function runProcess(cmd: string, args: string[], opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}`, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
    });
  });
}

/**
 * Why a command failed, in one journal line: its error lines when it printed some (esbuild's
 * "file:line:col: ERROR: ..." rather than the stack under it), else the last lines of its output.
 */
export function failureSummary(what: string, result: ProcessResult): string {
  if (result.timedOut) return `${what} timed out`;
  const lines = (result.stderr.trim() || result.stdout.trim()).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const located = lines.filter((l) => /^\S+:\d+:\d+: error\b/i.test(l));
  const errors = lines.filter((l) => /^(✘ \[ERROR\]|npm ERR!|npm error|\w*Error\b)/.test(l));
  const chosen = located.length > 0 ? located.slice(0, 3) : errors.length > 0 ? errors.slice(0, 3) : lines.slice(-4);
  return `${what} failed (exit ${result.code})${chosen.length > 0 ? `: ${chosen.join(' / ')}` : ''}`;
}
