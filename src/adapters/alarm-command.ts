import { spawn } from 'node:child_process';

export interface CommandOutcome {
  code: number | null;
  timedOut: boolean;
  output: string;
  ms: number;
}

/**
 * Runs a fired alarm's command through the shell, in the control repo, with a time bound: a hung
 * command is killed (its whole process group) and never holds the supervisor's loop.
 */
export function runAlarmCommand(command: string, opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<CommandOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const keep = (d: Buffer) => {
      if (output.length < 4000) output += d.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs);
    const done = (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, timedOut, output: output.slice(0, 4000), ms: Date.now() - started });
    };
    child.on('error', (e) => {
      output += String(e.message);
      done(null);
    });
    child.on('close', (code) => done(code));
  });
}
