import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK = '/tmp/factoryctl-root-crontab.lock';

/**
 * Root's crontab is one per machine: a test that changes it takes this lock (other test files run
 * in parallel workers), saves the table and restores it on release. A lock whose holder died is
 * taken over. Fails loudly when `crontab` is missing: such a test must never skip.
 */
export async function holdRootCrontab(waitMs = 120_000): Promise<{ saved: string; release(table?: string): void }> {
  const r = spawnSync('crontab', ['-l'], { encoding: 'utf8' });
  if (r.error) throw new Error(`crontab is missing (${r.error.message}): apt-get install cron`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      if (holderGone()) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`root's crontab is held by another test for over ${waitMs} ms (${LOCK})`);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const saved = readRoot();
  return {
    saved,
    /** Puts `table` (by default the saved one) back and lets the next test in. */
    release(table = saved) {
      try {
        writeRoot(table);
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
    },
  };
}

export function readRoot(): string {
  const r = spawnSync('crontab', ['-l'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

export function writeRoot(text: string): void {
  if (text === '') spawnSync('crontab', ['-r'], { encoding: 'utf8' });
  else execFileSync('crontab', ['-'], { input: text });
}

function holderGone(): boolean {
  try {
    process.kill(Number(readFileSync(join(LOCK, 'pid'), 'utf8')), 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return true;
    // No pid file yet: the holder is between mkdir and write, unless it died there (seconds ago).
    if (code === 'ENOENT') {
      try {
        return Date.now() - statSync(LOCK).mtimeMs > 10_000;
      } catch {
        return false; // the lock itself went meanwhile: try mkdir again
      }
    }
    return false;
  }
}
