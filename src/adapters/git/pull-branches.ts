// A pull that brings other branches along: the checked-out branch and every branch under some
// prefixes (a supervisor cycle's telemetry/* and control/*) in ONE `git fetch` with explicit
// refspecs, then the work tree moved as adapters/git/pull.ts moves it. One round trip to the
// remote where a pull and a fetch per prefix were one each.
import { stampSync } from '../control-repo/private-dir.js';
import { trustInPlay } from '../control-repo/trust-state.js';
import type { PullOutcome } from './pull.js';
import { moveToTrusted } from './pull-trusted.js';
import { currentBranch } from './read-files.js';
import { recoverRepo, retryAfterRecovery } from './recover.js';
import { runGit, type GitResult } from './run-git.js';

/**
 * Main is `refs/heads/<branch>` of `remote`, where the compare-and-swap commit pushes it
 * (adapters/git/cas-commit.ts), into its remote-tracking ref. Each prefix is a glob into the
 * remote-tracking refs, pruned: a glob that matches nothing is no error, so a branch not made yet
 * (no lease, no node) costs nothing, and one deleted on the remote goes here too.
 */
export async function pullWithBranches(
  dir: string,
  remote: string,
  prefixes: readonly string[],
  timeoutMs: number,
  now = Date.now,
): Promise<PullOutcome> {
  const branch = await currentBranch(dir);
  if (!branch) return { ok: false, error: 'HEAD is not on a branch: nothing to pull into', timedOut: false };
  const tracking = `refs/remotes/${remote}/${branch}`;
  const refspecs = [
    `+refs/heads/${branch}:${tracking}`,
    ...prefixes.map((p) => `+refs/heads/${p}*:refs/remotes/${remote}/${p}*`),
  ];
  const fetch = () =>
    runGit(dir, ['fetch', '--quiet', '--no-tags', '--prune', '--no-write-fetch-head', remote, ...refspecs], {
      timeoutMs,
      // A remote that accepts the connection and then says nothing must not hold the fetch forever.
      env: {
        GIT_HTTP_LOW_SPEED_LIMIT: '1000',
        GIT_HTTP_LOW_SPEED_TIME: String(Math.max(1, Math.ceil(timeoutMs / 1000))),
      },
    });
  // A process killed mid-fetch leaves a ref lock behind: clear what is stale, try once more.
  const result = await retryAfterRecovery(dir, fetch);
  if (failed(result)) {
    if (result.timedOut) await recoverRepo(dir, 0);
    const error = result.timedOut
      ? `fetch timed out after ${timeoutMs} ms`
      : lastLines(result) || `git fetch exited ${result.code}`;
    return { ok: false, error, timedOut: result.timedOut };
  }
  // Once trust is in play the work tree goes where the trust mode allows (as a pull's does).
  const trusting = trustInPlay(dir);
  if (!trusting) {
    // A process killed mid-merge leaves a lock or a half-done merge: clear it, try once more.
    const moved = await retryAfterRecovery(dir, () => runGit(dir, ['merge', '--ff-only', '--quiet', tracking]));
    if (failed(moved))
      return { ok: false, error: lastLines(moved) || 'not a fast-forward', timedOut: false, fetched: true };
  }
  stampSync(dir, now());
  // A fast-forward that brought the allowed signers in: judge what it brought at once.
  if (!trusting && !trustInPlay(dir)) return { ok: true };
  const moved = await moveToTrusted(dir);
  return moved.ok ? moved : { ok: false, error: moved.error, timedOut: false, fetched: true };
}

function failed(r: GitResult): boolean {
  return r.code !== 0 || r.timedOut;
}

function lastLines(r: GitResult): string {
  return r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
}
