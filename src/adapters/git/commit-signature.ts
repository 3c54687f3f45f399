import { UnavailableError } from '../../errors.js';
import { runProcess } from '../process/run-process.js';
import { runGit } from './run-git.js';

export interface CommitSignature {
  /** the commit carries a signature at all */
  signed: boolean;
  /** the signature is good and its key is one of the allowed signers */
  valid: boolean;
  /** the allowed_signers principal that matched (e.g. `human:alice`) */
  principal?: string;
  /** the signing key's SHA256 fingerprint, known even when no principal matched */
  fingerprint?: string;
  /** why it is not valid, in git's or ssh-keygen's words */
  error?: string;
}

/** Exit 69 (unavailable): the machine lacks a tool, the commit is not judged either way. */
export class SshKeygenMissingError extends UnavailableError {
  constructor(detail: string) {
    super(`ssh-keygen is needed to verify signed commits and cannot be run: ${detail}`);
    this.name = 'SshKeygenMissingError';
  }
}

const GOOD = /^Good "git" signature (?:for (.+) )?with \S+ key (SHA256:\S+)/m;
const ANY_KEY = /key (SHA256:[A-Za-z0-9+/=]+)/;
const CANNOT_RUN = /cannot run (\S*ssh-keygen\S*|\S+): (.*)$/m;

/**
 * Verifies one commit's SSH signature with git itself (`verify-commit --raw`, which runs
 * `ssh-keygen -Y find-principals` and `-Y verify` in the "git" namespace) against an
 * allowed_signers file. A missing ssh-keygen throws SshKeygenMissingError: an unverifiable commit
 * must never read as a pass, nor as an untrusted commit that hides a broken machine.
 */
export async function verifyCommitSignature(
  repoDir: string,
  sha: string,
  allowedSignersPath: string,
): Promise<CommitSignature> {
  const args = ['-c', 'gpg.format=ssh', '-c', `gpg.ssh.allowedSignersFile=${allowedSignersPath}`];
  const result = await runGit(repoDir, [...args, 'verify-commit', '--raw', sha]);
  const out = `${result.stderr}\n${result.stdout}`;
  const cannotRun = CANNOT_RUN.exec(out);
  if (cannotRun) throw new SshKeygenMissingError(cannotRun[0].trim());
  const good = GOOD.exec(out);
  if (result.code === 0 && good?.[1]) return { signed: true, valid: true, principal: good[1], fingerprint: good[2] };
  if (out.trim() === '') {
    const exists = await runGit(repoDir, ['cat-file', '-e', `${sha}^{commit}`]);
    return exists.code === 0
      ? { signed: false, valid: false, error: 'not signed' }
      : { signed: false, valid: false, error: `no commit ${sha}` };
  }
  if (/commit '.*' not found|not a valid|bad object|unable to read file/i.test(out)) {
    return { signed: false, valid: false, error: out.trim().split('\n')[0] };
  }
  const fingerprint = good?.[2] ?? ANY_KEY.exec(out)?.[1];
  const reason = /No principal matched/.test(out)
    ? 'signed by a key that is not an allowed signer'
    : out.trim().split('\n').slice(-1)[0];
  return { signed: true, valid: false, fingerprint, error: reason };
}

/** Throws SshKeygenMissingError when ssh-keygen cannot be started: checked at start, not at the first commit. */
export async function assertSshKeygen(): Promise<void> {
  const result = await runProcess('ssh-keygen', ['-Y', 'sign'], { ownGroup: false, timeoutMs: 10_000 });
  if (result.spawnError) throw new SshKeygenMissingError(result.spawnError.message);
}
