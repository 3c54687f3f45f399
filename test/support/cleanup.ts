import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Runs every cleanup step even when some fail (a busy mount must not leave root's crontab
 * changed or a daemon running), then throws all failures together.
 */
export async function cleanupAll(steps: Array<() => unknown>): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new AggregateError(errors, `${errors.length} cleanup steps failed: ${errors.map(String).join('; ')}`);
}

/** Unmounts a test's mount; lazily when something still holds it open, so the mount never outlives the run. */
export function unmount(path: string): void {
  try {
    execFileSync('umount', [path], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', path], { stdio: 'pipe' });
  }
}

/**
 * Live processes (zombies excluded: this container's init never reaps) whose command line mentions
 * `text`, a test's temporary folder: what a failed or timed-out test may have left running.
 */
export function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) found.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** SIGKILLs whatever `processesMentioning(text)` finds; returns the pids it killed. */
export function killProcessesMentioning(text: string): number[] {
  const pids = processesMentioning(text);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}
