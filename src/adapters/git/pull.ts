import { stampSync } from '../control-repo/private-dir.js';
import { trustInPlay, type TrustState } from '../control-repo/trust-state.js';
import { moveToTrusted } from './pull-trusted.js';
import { recoverRepo, retryAfterRecovery } from './recover.js';
import { runGit } from './run-git.js';

// The sync stamp belongs to the private folder's owner; re-exported for the gate's callers.
export { lastSyncAt } from '../control-repo/private-dir.js';

/** `trust`: set once trust is in play (trust/allowed_signers exists): what was judged, what is checked out. */
export type PullOutcome = { ok: true; trust?: TrustState } | { ok: false; error: string; timedOut: boolean };

/**
 * Fast-forward pull with a time bound. A pull killed by the bound may leave a lock behind,
 * so recovery runs after it; the time of the last good pull is stamped for staleness checks.
 */
export async function pullFastForward(
  dir: string,
  timeoutMs: number,
  now = Date.now,
  opts: { housekeeping?: boolean } = {},
): Promise<PullOutcome> {
  // The gate skips git's automatic maintenance (one process less on every poll of every agent);
  // the node daemon's own pulls of the same clone keep it packed.
  const quick = opts.housekeeping === false ? ['-c', 'maintenance.auto=false', '-c', 'gc.auto=0'] : [];
  // Once trust is in play the pull is a fetch, then a move to what the trust mode allows.
  const trusting = trustInPlay(dir);
  const verb = trusting
    ? ['fetch', '--quiet', '--no-tags']
    : ['pull', '--ff-only', '--quiet', '--no-rebase', '--no-tags'];
  const pull = () =>
    runGit(dir, [...quick, ...verb], {
      timeoutMs,
      // A remote that accepts the connection and then says nothing must not hold the pull forever.
      env: {
        GIT_HTTP_LOW_SPEED_LIMIT: '1000',
        GIT_HTTP_LOW_SPEED_TIME: String(Math.max(1, Math.ceil(timeoutMs / 1000))),
      },
    });
  // A process killed mid-operation leaves a lock or a half-done merge: clear what is stale, try once more.
  const result = await retryAfterRecovery(dir, pull);
  if (result.code === 0 && !result.timedOut) {
    stampSync(dir, now());
    // A plain pull that brought the allowed signers in: judge what it brought at once.
    if (!trusting && !trustInPlay(dir)) return { ok: true };
    const moved = await moveToTrusted(dir);
    return moved.ok ? moved : { ok: false, error: moved.error, timedOut: false };
  }
  if (result.timedOut) await recoverRepo(dir, 0);
  const error = result.timedOut
    ? `pull timed out after ${timeoutMs} ms`
    : result.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ') || `git pull exited ${result.code}`;
  return { ok: false, error, timedOut: result.timedOut };
}
