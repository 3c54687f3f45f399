import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type LockResult = { ok: true; release(): void } | { ok: false; holder: number };

/**
 * One node daemon per run directory: it is the single writer of the halt files, the crontab
 * block and the telemetry branch. The pid file is created exclusively; one left by a process
 * that is gone (kill -9, reboot), or whose pid now belongs to something that is not factoryctl,
 * is taken over.
 */
export function acquireNodeLock(path: string): LockResult {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        ok: true,
        release() {
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readOr(path).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isFactoryctl(holder))
        return { ok: false, holder };
      try {
        unlinkSync(path);
      } catch {
        // another taker was first: try again
      }
    }
  }
  return { ok: false, holder: Number(readOr(path).trim()) || 0 };
}

function isFactoryctl(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // A zombie is gone for our purpose: it will never write again.
    return (
      stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z' && /factoryctl|cli\.js/.test(cmdline)
    );
  } catch {
    return false;
  }
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
