// Where `factoryctl node install --write` puts the daemon: the systemd unit file, or the node's
// block of a crontab (a user's table, or a text file for tests and packaging).
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import {
  renderCronLines,
  renderSystemdUnit,
  replaceNodeBlock,
  UNIT_NAME,
  type InstallSpec,
} from '../../domain/node-install.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { runProcess } from '../process/run-process.js';
import { readCrontab } from './crontab.js';

export interface Written {
  path: string;
  changed: boolean;
  next?: string;
}

export function writeUnit(spec: InstallSpec, path: string | undefined): Written {
  const target = path ?? join('/etc/systemd/system', UNIT_NAME);
  const text = renderSystemdUnit(spec);
  const changed = readOptional(target) !== text;
  if (changed) guarded(target, () => writeFileAtomic(target, text));
  return {
    path: target,
    changed,
    ...(path ? {} : { next: 'systemctl daemon-reload && systemctl enable --now factoryctl-node' }),
  };
}

export async function writeCron(spec: InstallSpec, path: string | undefined): Promise<Written> {
  const lines = renderCronLines(spec);
  if (path) {
    const current = readOptional(path) ?? '';
    const next = replaceNodeBlock(current, lines);
    if (next !== current) guarded(path, () => writeFileAtomic(path, next));
    return { path, changed: next !== current };
  }
  const user = spec.user === userInfo().username ? undefined : spec.user;
  const current = readCrontab(user ? { user } : {});
  const next = replaceNodeBlock(current, lines);
  if (next !== current) await installCrontab(next, user);
  return { path: `crontab of ${spec.user}`, changed: next !== current };
}

/** Installed from a staged file, not a pipe: a kill mid-write must not install a truncated table. */
async function installCrontab(text: string, user: string | undefined): Promise<void> {
  const staged = join(tmpdir(), `factoryctl-node-install.${process.pid}.tmp`);
  writeFileSync(staged, text, { mode: 0o600 });
  try {
    const r = await runProcess('crontab', [...(user ? ['-u', user] : []), staged], {
      timeoutMs: 30_000,
      ownGroup: false,
    });
    if (r.spawnError || r.timedOut)
      throw new FactoryError(`crontab: ${r.spawnError?.message ?? 'timed out'}`, EXIT.UNAVAILABLE);
    if (r.code !== 0)
      throw new FactoryError(`crontab refused the new table (exit ${r.code}): ${r.stderr.trim()}`, EXIT.IOERR);
  } finally {
    unlinkSync(staged);
  }
}

function guarded(path: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM')
      throw new FactoryError(`cannot write ${path}: permission denied (run as root, e.g. with sudo)`, EXIT.NOPERM);
    throw error;
  }
}

export function readOptional(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
