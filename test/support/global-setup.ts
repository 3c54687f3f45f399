import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { holdRootCrontab } from './root-crontab.js';

/** Tools the suite needs: a missing one fails the run loudly, it never skips a test. */
const REQUIRED = [
  ['git', ['--version']],
  ['crontab', ['-l']],
  ['/usr/sbin/sshd', ['-V']],
  ['ssh', ['-V']],
] as const;

export default async function setup(): Promise<() => Promise<void>> {
  const missing = REQUIRED.filter(([cmd, args]) => {
    try {
      execFileSync(cmd, [...args], { stdio: 'ignore' });
      return false;
    } catch (error) {
      // crontab -l exits 1 with "no crontab for root": installed; ENOENT means missing.
      return (error as NodeJS.ErrnoException).code === 'ENOENT';
    }
  }).map(([cmd]) => cmd);
  if (missing.length > 0) {
    throw new Error(
      `missing tools for the test suite: ${missing.join(', ')}. Install them with the README's test command (apt-get install git cron openssh-server openssh-client).`,
    );
  }
  // The CLI tests run the real bundle, as users do (FACTORYCTL_NO_BUILD=1 reuses dist/ while developing).
  if (process.env.FACTORYCTL_NO_BUILD !== '1')
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url))], {
      stdio: 'inherit',
    });
  // Every test that changes root's crontab holds the lock and restores the table on release: read
  // under the lock, it is the machine's own table, not one a test (of this run or another) is using.
  const lock = await holdRootCrontab();
  const before = lock.saved;
  lock.release();
  return async function teardown() {
    const end = await holdRootCrontab();
    const after = end.saved;
    end.release(before);
    if (after !== before) {
      // Vitest only logs a teardown's error: the exit code makes CI fail.
      process.exitCode = 1;
      throw new Error(
        `a test changed root's crontab without holdRootCrontab() (restored now); it was:\n${before}\nit became:\n${after}`,
      );
    }
  };
}
