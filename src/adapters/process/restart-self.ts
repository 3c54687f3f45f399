import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Whether this process runs the factoryctl of the control repo itself (bin/ inside it): only
 * then does a pull that brings new factoryctl source call for a self-upgrade.
 */
export function runsFromControlRepo(controlDir: string, script = process.argv[1]): boolean {
  if (!script) return false;
  try {
    const bin = dirname(realpathSync(script));
    return relative(realpathSync(join(controlDir, 'bin')), bin) === '';
  } catch {
    return false;
  }
}

/**
 * After a self-upgrade the running code is the old build. Under systemd (Restart=always) exiting
 * is the restart; elsewhere the same command is started again on the new build, in the
 * foreground, and this process only forwards signals and its exit code.
 */
export function restartOnNewBuild(): Promise<number> | 'exit' {
  if (process.env.INVOCATION_ID) return 'exit';
  const child = spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 0)));
}
