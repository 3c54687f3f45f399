// The one owner of "how this process signs its commits": its own SSH key, named by one variable.
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { runProcess } from '../process/run-process.js';

/** A private key file outside the control repo (or a public one whose key ssh-agent holds). */
export const SIGNING_KEY_ENV = 'FACTORYCTL_SIGNING_KEY';

export interface SigningArgs {
  /** `-c` options that go before git's subcommand */
  config: string[];
  /** the flag for `commit` / `commit-tree` */
  sign: string[];
}

const UNSIGNED: SigningArgs = { config: [], sign: [] };

/** No key configured: unsigned, as before trust existed. */
export function signingArgs(env: NodeJS.ProcessEnv = process.env): SigningArgs {
  const path = keyPath(env);
  if (!path) return UNSIGNED;
  return { config: ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${path}`], sign: ['-S'] };
}

/** Absolute: git runs in the control repo (-C), not where the variable was set; ~/ is the user's home. */
function keyPath(env: NodeJS.ProcessEnv): string | undefined {
  const key = env[SIGNING_KEY_ENV];
  if (!key) return undefined;
  return resolve(key.startsWith('~/') && env.HOME ? `${env.HOME}/${key.slice(2)}` : key);
}

export interface SigningIdentity {
  key: string;
  /** `ssh-keygen -l` of the key: bits, SHA256 fingerprint, comment, type */
  fingerprint: string;
}

/**
 * At a writer's start: the configured key must sign, or the process stops with a clear error
 * (78) instead of committing unsigned work a trusting factory would ignore. Signs a probe, so a
 * missing ssh-keygen, an unreadable file, a passphrase nobody can type or an empty agent all
 * show here. Undefined when no key is configured.
 */
export async function checkSigningKey(env: NodeJS.ProcessEnv = process.env): Promise<SigningIdentity | undefined> {
  const key = env[SIGNING_KEY_ENV];
  const path = keyPath(env);
  if (!key || !path) return undefined;
  const fail = (why: string) => new FactoryError(`${SIGNING_KEY_ENV}=${key}: ${why}`, EXIT.CONFIG);
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    throw fail(`cannot read the signing key (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const listed = await runProcess('ssh-keygen', ['-l', '-f', path], { env, timeoutMs: 10_000 });
  if (listed.spawnError)
    throw new FactoryError(
      `${SIGNING_KEY_ENV}=${key}: ssh-keygen is not installed (openssh-client): commits cannot be signed`,
      EXIT.UNAVAILABLE,
    );
  if (listed.code !== 0) throw fail(`not an SSH key: ${lastLine(listed.stderr) || `ssh-keygen exited ${listed.code}`}`);
  // -Y sign reads the data from stdin and writes the signature to stdout, as git's signing does.
  const probe = await runProcess('ssh-keygen', ['-Y', 'sign', '-n', 'git', '-f', path], {
    env,
    input: 'factoryctl signing probe\n',
    timeoutMs: 10_000,
  });
  if (probe.code !== 0 || !probe.stdout.includes('BEGIN SSH SIGNATURE'))
    throw fail(
      `cannot sign with it: ${lastLine(probe.stderr) || (probe.timedOut ? 'timed out' : `exit ${probe.code}`)}`,
    );
  return { key, fingerprint: listed.stdout.trim() };
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
}
