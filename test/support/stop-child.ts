import type { ChildProcess } from 'node:child_process';

/** SIGTERM, then the exit code; SIGKILL (and null) when the process still runs `graceMs` later. */
export async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  graceMs = 60_000,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
