import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDENTITY } from './control-repo.js';

export interface SigningKey {
  /** private key file, for `user.signingkey` */
  path: string;
  /** `ssh-ed25519 AAAA...` */
  publicKey: string;
}

/** A fresh ed25519 key made by the real ssh-keygen in dir. */
export function makeSigningKey(dir: string, name: string): SigningKey {
  const path = join(dir, `${name}.key`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
  const publicKey = readFileSync(`${path}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return { path, publicKey };
}

/** One allowed_signers line: `principal key`. */
export const signerLine = (principal: string, key: SigningKey): string => `${principal} ${key.publicKey}`;

/** git args that make the next commit SSH-signed by key. */
export const signArgs = (key: SigningKey): string[] => ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key.path}`];

/** Commits everything staged-or-not in dir, signed by key when given; returns the new sha. */
export function commitAll(dir: string, message: string, key?: SigningKey): string {
  const run = (args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...IDENTITY }, encoding: 'utf8' }).trim();
  run(['add', '-A']);
  run([...(key ? signArgs(key) : []), 'commit', '-q', '--allow-empty', ...(key ? ['-S'] : []), '-m', message]);
  return run(['rev-parse', 'HEAD']);
}
