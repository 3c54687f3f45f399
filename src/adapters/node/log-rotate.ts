// Rotation of the agents' run logs, by size and count. Copy, then truncate (logrotate's
// copytruncate): an agent running now and cron's `>>` hold the log open in append mode, so the
// live file stays the one they write to and the rpc `logs` verb keeps reading the current run.
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  fstatSync,
  openSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { isRunLog, rotatedLog, rotationDue, rotationShifts, type LogBounds } from '../../domain/node/log-rotation.js';

export interface LogRotation {
  rotated: string[];
  /** What went wrong (a full disk, permissions); the next cycle tries again. */
  problem?: string;
}

/** Rotates every run log in `logDir` past the bound; a missing folder is nothing to do. */
export function rotateAgentLogs(logDir: string, bounds: LogBounds): LogRotation {
  let names: string[];
  try {
    names = readdirSync(logDir).filter(isRunLog);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { rotated: [] };
    return { rotated: [], problem: `log rotation: ${(error as Error).message}` };
  }
  const rotated: string[] = [];
  for (const name of names) {
    const log = join(logDir, name);
    try {
      if (!rotationDue(statSync(log).size, bounds)) continue;
      rotateOne(log, bounds.keep);
      rotated.push(log);
    } catch (error) {
      return { rotated, problem: `log rotation of ${log}: ${(error as Error).message}` };
    }
  }
  return { rotated };
}

function rotateOne(log: string, keep: number): void {
  rmSync(rotatedLog(log, keep), { force: true });
  for (const { from, to } of rotationShifts(log, keep)) {
    try {
      renameSync(from, to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const first = rotatedLog(log, 1);
  copyFileSync(log, first);
  // What the agents appended during the copy goes after it, so the window left before the
  // truncate is a few microseconds, not the length of a copy.
  const fd = openSync(log, 'r');
  try {
    let copied = statSync(first).size;
    for (let pass = 0; pass < 8; pass++) {
      const size = fstatSync(fd).size;
      if (size <= copied) break;
      const chunk = Buffer.alloc(size - copied);
      const n = readSync(fd, chunk, 0, chunk.length, copied);
      if (n === 0) break;
      appendFileSync(first, chunk.subarray(0, n));
      copied += n;
    }
  } finally {
    closeSync(fd);
  }
  truncateSync(log, 0);
}
