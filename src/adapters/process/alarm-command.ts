import { runProcess } from './run-process.js';

export interface CommandOutcome {
  code: number | null;
  timedOut: boolean;
  output: string;
  ms: number;
}

const KEEP_CHARS = 4000;

/**
 * Runs a fired alarm's command through the shell, in the control repo, with a time bound: a hung
 * command is killed (its whole process group) and never holds the supervisor's loop.
 */
export async function runAlarmCommand(
  command: string,
  opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<CommandOutcome> {
  const started = Date.now();
  const result = await runProcess('/bin/sh', ['-c', command], opts);
  return {
    code: result.timedOut ? null : result.code,
    timedOut: result.timedOut,
    output: `${result.stdout}${result.stderr}`.slice(0, KEEP_CHARS),
    ms: Date.now() - started,
  };
}
