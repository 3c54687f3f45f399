import { stampSync } from '../control-repo/private-dir.js';
import { trustInPlay, type TrustState } from '../control-repo/trust-state.js';
import { readRef, readUpstream, type Upstream } from './local-refs.js';
import { moveToTrusted } from './pull-trusted.js';
import { recoverRepo, retryAfterRecovery } from './recover.js';
import { runGit } from './run-git.js';

// The sync stamp belongs to the private folder's owner; re-exported for the gate's callers.
export { lastSyncAt } from '../control-repo/private-dir.js';

/** `trust`: set once trust is in play (trust/allowed_signers exists): what was judged, what is checked out. */
/** A failure's `fetched`: the fetch itself landed, only moving the work tree failed (the refs are fresh). */
export type PullOutcome =
  { ok: true; trust?: TrustState } | { ok: false; error: string; timedOut: boolean; fetched?: true };

/**
 * Fast-forward pull with a time bound. A pull killed by the bound may leave a lock behind,
 * so recovery runs after it; the time of the last good pull is stamped for staleness checks.
 */
export async function pullFastForward(
  dir: string,
  timeoutMs: number,
  now = Date.now,
  opts: { housekeeping?: boolean; upstreamOnly?: boolean } = {},
): Promise<PullOutcome> {
  // The gate skips git's automatic maintenance (one process less on every poll of every agent);
  // the node daemon's own pulls of the same clone keep it packed.
  const quick = opts.housekeeping === false ? ['-c', 'maintenance.auto=false', '-c', 'gc.auto=0'] : [];
  // A fetch that leaves FETCH_HEAD alone, then a move to the upstream: `git pull` merges what
  // FETCH_HEAD lists, and two fetches at once in one clone (the gate beside the node daemon) can
  // leave it listing main twice ("Cannot fast-forward to multiple branches").
  const trusting = trustInPlay(dir);
  const env = {
    // A remote that accepts the connection and then says nothing must not hold the fetch forever.
    GIT_HTTP_LOW_SPEED_LIMIT: '1000',
    GIT_HTTP_LOW_SPEED_TIME: String(Math.max(1, Math.ceil(timeoutMs / 1000))),
  };
  // The gate needs main alone: the other branches (every node's telemetry, pushed every few
  // seconds) would cost it a transfer on most polls for nothing it reads.
  const upstream = readUpstream(dir);
  const only = opts.upstreamOnly && upstream ? [upstream.remote, upstream.refspec] : [];
  const fetch = () =>
    runGit(dir, [...quick, 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...only], { timeoutMs, env });
  // A process killed mid-operation leaves a lock or a half-done merge: clear what is stale, try once more.
  let result = await retryAfterRecovery(dir, fetch);
  // Once trust is in play the work tree goes where the trust mode allows, not simply forward.
  if (result.code === 0 && !result.timedOut && !trusting && !alreadyThere(dir, upstream)) {
    result = await retryAfterRecovery(dir, () =>
      runGit(dir, [...quick, 'merge', '--ff-only', '--quiet', '@{upstream}'], { timeoutMs }),
    );
  }
  if (result.code === 0 && !result.timedOut) {
    stampSync(dir, now());
    // A fast-forward that brought the allowed signers in: judge what it brought at once.
    if (!trusting && !trustInPlay(dir)) return { ok: true };
    const moved = await moveToTrusted(dir);
    return moved.ok ? moved : { ok: false, error: moved.error, timedOut: false };
  }
  if (result.timedOut) await recoverRepo(dir, 0);
  const error = result.timedOut
    ? `pull timed out after ${timeoutMs} ms`
    : result.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ') || `git exited ${result.code}`;
  return { ok: false, error, timedOut: result.timedOut };
}

/** The branch already where the fetch put its upstream: nothing to move, one git process saved. */
function alreadyThere(dir: string, upstream: Upstream | undefined): boolean {
  if (!upstream) return false;
  const here = readRef(dir, upstream.local);
  return here !== undefined && here === readRef(dir, upstream.tracking);
}
