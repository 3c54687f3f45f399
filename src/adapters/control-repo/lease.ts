// The supervisor lease on branch control/lease: one tiny root commit (lease.json), replaced on every
// renewal with --force-with-lease on the sha read, so the remote's atomic ref update is the CAS.
import { UnavailableError } from '../../errors.js';
import { DEFAULT_PULL_TIMEOUT_MS } from '../../domain/config/gate-defaults.js';
import { parseLease, renderLease, type Lease } from '../../domain/supervisor/lease.js';
import { buildCommit } from '../git/build-commit.js';
import { readFilesAt, resolveRef } from '../git/read-files.js';
import { runGit } from '../git/run-git.js';

/** The branches of the control machinery (the lease), apart from main and the nodes' telemetry. */
export const CONTROL_PREFIX = 'control/';
export const LEASE_BRANCH = `${CONTROL_PREFIX}lease`;
export const LEASE_REF = `refs/heads/${LEASE_BRANCH}`;
const LEASE_FILE = 'lease.json';

/** The lease as the remote has it now: `sha` undefined when the branch does not exist. */
export interface ObservedLease {
  sha?: string;
  lease?: Lease;
}
export type LeasePush = { ok: true } | { ok: false; rejected: boolean; error: string };

/** `timeoutMs`: the configured gate.pullTimeout; without it, that setting's default. */
export async function readLease(
  dir: string,
  remote: string,
  timeoutMs = DEFAULT_PULL_TIMEOUT_MS,
): Promise<ObservedLease> {
  const tracking = `refs/remotes/${remote}/${LEASE_BRANCH}`;
  const fetched = await runGit(
    dir,
    ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', remote, `+${LEASE_REF}:${tracking}`],
    { timeoutMs },
  );
  if (fetched.code !== 0) {
    if (!/couldn't find remote ref/i.test(fetched.stderr))
      throw new UnavailableError(
        `cannot read the lease from ${remote}: ${lastLine(fetched.stderr) || (fetched.timedOut ? 'timed out' : `git fetch exited ${fetched.code}`)}`,
      );
    await runGit(dir, ['update-ref', '-d', tracking]);
    return {};
  }
  return fetchedLease(dir, remote);
}

/** The lease as this clone's last fetch of control/lease left it (readLease's, or a fetch of control/* with --prune). */
export async function fetchedLease(dir: string, remote: string): Promise<ObservedLease> {
  const sha = await resolveRef(dir, `refs/remotes/${remote}/${LEASE_BRANCH}`);
  if (!sha) return {};
  const lease = parseLease((await readFilesAt(dir, sha, [LEASE_FILE])).get(LEASE_FILE));
  return lease ? { sha, lease } : { sha };
}

/** A root commit holding the lease: the branch never grows, old terms become unreachable. */
export async function leaseCommit(dir: string, lease: Lease): Promise<string> {
  const date = `@${Math.floor(lease.expiresAt / 1000)} +0000`;
  return buildCommit(
    dir,
    undefined,
    { [LEASE_FILE]: renderLease(lease) },
    `lease: ${lease.holder}, epoch ${lease.epoch}, until ${new Date(lease.expiresAt).toISOString()}`,
    { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  );
}

/** The push arguments that replace the lease at `expected` (absent: must not exist yet) by `next`. */
export function leaseRefUpdate(expected: string | undefined, next: string): { args: string[]; refspecs: string[] } {
  return { args: [`--force-with-lease=${LEASE_REF}:${expected ?? ''}`], refspecs: [`${next}:${LEASE_REF}`] };
}

/** The lease alone (acquire, or a renewal with no decision to carry it). */
export async function pushLease(
  dir: string,
  remote: string,
  expected: string | undefined,
  next: string,
  timeoutMs = 15_000,
): Promise<LeasePush> {
  const update = leaseRefUpdate(expected, next);
  const pushed = await runGit(dir, ['push', '--porcelain', '--quiet', ...update.args, remote, ...update.refspecs], {
    timeoutMs,
  });
  if (pushed.code === 0) {
    await noteLeasePushed(dir, remote, next);
    return { ok: true };
  }
  const text = pushed.stdout + pushed.stderr;
  return {
    ok: false,
    rejected: /rejected|stale info|non-fast-forward|fetch first|cannot lock ref/i.test(text),
    error: lastLine(pushed.stderr) || lastLine(pushed.stdout) || `git push exited ${pushed.code}`,
  };
}

/** Keeps the tracking ref in step after our own push; the next read corrects it anyway. */
export async function noteLeasePushed(dir: string, remote: string, sha: string): Promise<void> {
  await runGit(dir, ['update-ref', `refs/remotes/${remote}/${LEASE_BRANCH}`, sha]);
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
}
