// The read-only commands' refresh in one round trip: main and every telemetry branch in a single
// `git fetch` with explicit refspecs, then main moved locally (a fast-forward; once trust is in
// play, moveToTrusted, as pullFastForward does). A pull and then a fetch of the telemetry branches
// cost two round trips to the forge, one after the other, on every status, nodes, assignments, logs.
import { stampSync } from '../control-repo/private-dir.js';
import { trustInPlay } from '../control-repo/trust-state.js';
import { fetchTelemetry, TELEMETRY_PREFIX } from '../telemetry/read.js';
import { pullFastForward, type PullOutcome } from './pull.js';
import { moveToTrusted } from './pull-trusted.js';
import { recoverRepo, retryAfterRecovery } from './recover.js';
import { runGit, type GitResult } from './run-git.js';

export interface ControlRefresh {
  /** main's pull, as pullFastForward reports one */
  main: PullOutcome;
  /** false: the telemetry branches are as last fetched */
  telemetry: boolean;
}

/** Fetches main and `telemetry/*` from `remote` at once, within `timeoutMs`, then moves main. */
export async function refreshControl(
  dir: string,
  remote: string,
  timeoutMs: number,
  now = Date.now,
): Promise<ControlRefresh> {
  const upstream = await mainUpstream(dir);
  // Main tracks another remote, or nothing (a detached head): the two steps, each as it always was.
  if (upstream?.remote !== remote)
    return {
      main: await pullFastForward(dir, timeoutMs, now),
      telemetry: await fetchTelemetry(dir, remote, timeoutMs),
    };
  const trusting = trustInPlay(dir);
  const refspecs = [
    `+${upstream.ref}:${upstream.tracking}`,
    `+refs/heads/${TELEMETRY_PREFIX}*:refs/remotes/${remote}/${TELEMETRY_PREFIX}*`,
  ];
  const fetched = await retryAfterRecovery(dir, () =>
    runGit(dir, ['fetch', '--quiet', '--no-tags', '--prune', remote, ...refspecs], {
      timeoutMs,
      // A remote that accepts the connection and then says nothing must not hold the fetch forever.
      env: {
        GIT_HTTP_LOW_SPEED_LIMIT: '1000',
        GIT_HTTP_LOW_SPEED_TIME: String(Math.max(1, Math.ceil(timeoutMs / 1000))),
      },
    }),
  );
  if (fetched.code !== 0 || fetched.timedOut) {
    if (fetched.timedOut) await recoverRepo(dir, 0);
    const error = fetched.timedOut ? `pull timed out after ${timeoutMs} ms` : failure(fetched, 'git fetch');
    return { main: { ok: false, error, timedOut: fetched.timedOut }, telemetry: false };
  }
  stampSync(dir, now());
  return { main: await moveMain(dir, trusting, timeoutMs), telemetry: true };
}

/** Main to what was fetched: a local fast-forward, or (trust in play) where the trust mode allows. */
async function moveMain(dir: string, trusting: boolean, timeoutMs: number): Promise<PullOutcome> {
  if (!trusting) {
    const forward = await retryAfterRecovery(dir, () =>
      runGit(dir, ['merge', '--ff-only', '--quiet', '@{upstream}'], { timeoutMs }),
    );
    if (forward.code !== 0 || forward.timedOut)
      return { ok: false, error: failure(forward, 'git merge --ff-only'), timedOut: forward.timedOut };
    // A fast-forward that brought the allowed signers in: judge what it brought at once.
    if (!trustInPlay(dir)) return { ok: true };
  }
  const moved = await moveToTrusted(dir);
  return moved.ok ? moved : { ok: false, error: moved.error, timedOut: false };
}

/** The checked-out branch's upstream: its remote, the branch there, and this clone's tracking ref. */
async function mainUpstream(dir: string): Promise<{ remote: string; ref: string; tracking: string } | undefined> {
  const listed = await runGit(dir, [
    'for-each-ref',
    '--format=%(HEAD) %(upstream:remotename) %(upstream:remoteref) %(upstream)',
    'refs/heads/',
  ]);
  const line = listed.stdout.split('\n').find((l) => l.startsWith('* '));
  const [remote, ref, tracking] = line?.slice(2).split(' ') ?? [];
  return remote && ref?.startsWith('refs/') && tracking?.startsWith('refs/') ? { remote, ref, tracking } : undefined;
}

function failure(r: GitResult, what: string): string {
  return r.stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ') || `${what} exited ${r.code}`;
}
