import { spawnSync } from 'node:child_process';
import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FactoryError, UnavailableError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { replaceBlock } from '../../domain/crontab-block.js';

export interface CrontabOptions {
  /** The crontab program (default `crontab`, found on PATH). */
  crontabCommand?: string;
  /** Another user's crontab (`crontab -u USER`, root only). */
  user?: string;
  /** Where the new table is staged before crontab installs it (default the OS temp directory). */
  tmpDir?: string;
}

export interface CrontabApplyResult {
  changed: boolean;
  /** Hand edits of the markers that were repaired. */
  warnings: string[];
}

/** The user's crontab as text; '' when there is none. */
export function readCrontab(opts: CrontabOptions = {}): string {
  const r = run(opts, ['-l']);
  if (r.status === 0) return r.stdout;
  // Debian, cronie and busybox all say "no crontab for <user>" and exit 1.
  if (/no crontab for/i.test(r.stderr)) return '';
  throw new FactoryError(`${command(opts)} -l failed (exit ${r.status}): ${r.stderr.trim()}`, EXIT.IOERR);
}

/**
 * Sets factoryctl's block (between `# BEGIN factoryctl` and `# END factoryctl`) to `lines`,
 * leaving every other line alone. The new table is written to a file first and installed with
 * `crontab FILE`, not piped to `crontab -`: were this process killed while writing to the pipe,
 * crontab would read an early end of input and install a truncated table (one that lost the
 * user's lines after the block). crontab then writes its spool file atomically, so a kill at any
 * point leaves the old table or the new one. Nothing is installed when the table would not change. Not a transaction against a person running
 * `crontab -e` in the same second: the next apply puts the block back if that edit dropped it.
 */
export function applyCrontabBlock(lines: string[], opts: CrontabOptions = {}): CrontabApplyResult {
  const current = readCrontab(opts);
  const next = replaceBlock(current, lines);
  if (next.text === current) return { changed: false, warnings: next.warnings };
  const dir = opts.tmpDir ?? tmpdir();
  removeLeftovers(dir);
  const staged = join(dir, `${TMP_PREFIX}${process.pid}.tmp`);
  writeFileSync(staged, next.text, { mode: 0o600 });
  let r: ReturnType<typeof run>;
  try {
    r = run(opts, [staged]);
  } finally {
    unlinkSync(staged);
  }
  if (r.status !== 0)
    throw new FactoryError(`${command(opts)} refused the new table (exit ${r.status}): ${r.stderr.trim()}`, EXIT.IOERR);
  return { changed: true, warnings: next.warnings };
}

const TMP_PREFIX = 'factoryctl-crontab.';

/** Tables staged by a process that was killed before it could remove them. */
function removeLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = name.startsWith(TMP_PREFIX) && /^factoryctl-crontab\.(\d+)\.tmp$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // Another cleaner got there first.
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function run(
  opts: CrontabOptions,
  args: string[],
  input?: string,
): { status: number | null; stdout: string; stderr: string } {
  const argv = [...(opts.user ? ['-u', opts.user] : []), ...args];
  const r = spawnSync(command(opts), argv, {
    encoding: 'utf8',
    timeout: 30_000,
    ...(input !== undefined ? { input } : {}),
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UnavailableError(
        `no \`${command(opts)}\` on this machine: install cron (Debian: apt-get install cron), or use the halt-files or loop control`,
      );
    throw new FactoryError(`${command(opts)} ${argv.join(' ')}: ${r.error.message}`, EXIT.IOERR);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const command = (opts: CrontabOptions) => opts.crontabCommand ?? 'crontab';
