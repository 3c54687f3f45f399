// Where `factoryctl node install --ssh-key --write` puts the rpc line: the user's authorized_keys.
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { replaceRpcKeyLine } from '../../domain/node-install-ssh.js';
import { writeFileAtomic } from '../fs/atomic-file.js';

/** --ssh-key names a file, else it is the key itself. */
export function readKeySource(given: string): string {
  return !given.includes(' ') && existsSync(given) ? readFileSync(given, 'utf8') : given;
}

export function defaultAuthorizedKeys(): string {
  return join(homedir(), '.ssh', 'authorized_keys');
}

export function writeRpcKeyLine(
  path: string,
  line: string,
  blob: string,
  node: string,
): { path: string; changed: boolean } {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const next = replaceRpcKeyLine(current, line, blob, node);
  if (next === current) return { path, changed: false };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, next);
  chmodSync(path, 0o600);
  return { path, changed: true };
}
