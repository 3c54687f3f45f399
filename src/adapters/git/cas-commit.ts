import { UnavailableError } from '../../errors.js';
import { currentBranch, isAncestor, readFilesAt, resolveRef } from './read-files.js';
import { stampSync } from '../control-repo/private-dir.js';
import { buildCommit, type FileChanges } from './build-commit.js';
import { runGit } from './run-git.js';

export interface CasCommitRequest {
  remote?: string;
  branch: string;
  /** The files the mutation reads. */
  paths: string[];
  /** Re-run on the freshly fetched state after every rejected push: a re-read and re-apply, never a merge. */
  mutate: (current: Map<string, string | undefined>) => { changes: FileChanges; message: string } | null;
  maxAttempts?: number;
  timeoutMs?: number;
  /**
   * Other refs to push in the same `git push --atomic` (a leader's lease renewal: fencing), all
   * landing or none. Prepared again for every attempt; it may throw to give up (lease lost).
   */
  fence?: () => Promise<{ args: string[]; refspecs: string[] }>;
  /** Waits between attempts; injectable so tests need not sleep. */
  backoff?: (attempt: number) => Promise<void>;
}

export interface CasCommitResult {
  sha: string | undefined;
  changed: boolean;
  attempts: number;
  message?: string;
}

/**
 * Commits a change to a branch of the remote with Git's own compare-and-swap: build a commit
 * on the remote tip with a private index (the user's index and work tree are never touched),
 * push it as a fast-forward; if another writer got there first the push is rejected, and the
 * change is re-applied on the new tip. No merge commit, no force, nothing half-written: until
 * the push lands nothing else has changed, and a killed process leaves only unreferenced objects.
 */
export async function casCommit(dir: string, request: CasCommitRequest): Promise<CasCommitResult> {
  const remote = request.remote ?? 'origin';
  const tracking = `refs/remotes/${remote}/${request.branch}`;
  const maxAttempts = request.maxAttempts ?? 8;
  const timeoutMs = request.timeoutMs ?? 30_000;
  const backoff = request.backoff ?? jitteredBackoff;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    // A private ref per attempt: concurrent factoryctl processes in one clone never fight over a lock.
    const scratchRef = `refs/factoryctl/cas/${process.pid}-${attempt}`;
    const fetched = await runGit(
      dir,
      [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--refmap=',
        remote,
        `+refs/heads/${request.branch}:${scratchRef}`,
      ],
      { timeoutMs },
    );
    if (fetched.code !== 0 && !/couldn't find remote ref/i.test(fetched.stderr)) {
      throw new UnavailableError(
        `cannot reach ${remote}: ${lastLine(fetched.stderr) || (fetched.timedOut ? 'timed out' : `git fetch exited ${fetched.code}`)}; nothing was changed`,
      );
    }
    const base = await resolveRef(dir, scratchRef);
    await runGit(dir, ['update-ref', '-d', scratchRef]);
    const current = base
      ? await readFilesAt(dir, base, request.paths)
      : new Map(request.paths.map((p) => [p, undefined]));
    const wanted = request.mutate(current);
    const changes = wanted ? effectiveChanges(wanted.changes, current) : {};
    if (!wanted || Object.keys(changes).length === 0) return { sha: base, changed: false, attempts: attempt };

    const sha = await buildCommit(dir, base, changes, wanted.message);
    const fence = request.fence ? await request.fence() : undefined;
    const pushed = await runGit(
      dir,
      [
        'push',
        '--porcelain',
        '--quiet',
        ...(fence ? ['--atomic', ...fence.args] : []),
        remote,
        `${sha}:refs/heads/${request.branch}`,
        ...(fence?.refspecs ?? []),
      ],
      { timeoutMs },
    );
    if (pushed.code === 0) {
      await runGit(dir, ['update-ref', tracking, sha]); // best effort: the next fetch corrects it
      stampSync(dir, Date.now());
      await fastForwardLocal(dir, request.branch, sha);
      return { sha, changed: true, attempts: attempt, message: wanted.message };
    }
    if (!/rejected|non-fast-forward|fetch first|stale info|cannot lock ref/i.test(pushed.stdout + pushed.stderr)) {
      throw new UnavailableError(
        `push to ${remote} failed: ${lastLine(pushed.stderr) || lastLine(pushed.stdout)}; nothing was changed`,
      );
    }
    await backoff(attempt);
  }
  throw new UnavailableError(
    `push to ${remote} still rejected after ${maxAttempts} attempts (other writers kept winning); nothing was changed`,
  );
}

function effectiveChanges(changes: FileChanges, current: Map<string, string | undefined>): FileChanges {
  return Object.fromEntries(
    Object.entries(changes).filter(([path, content]) => (content ?? undefined) !== current.get(path)),
  );
}

/** Brings the local branch (and the work tree, if it is checked out and clean enough) up to the new tip. */
async function fastForwardLocal(dir: string, branch: string, sha: string): Promise<void> {
  const local = await resolveRef(dir, `refs/heads/${branch}`);
  if (local && !(await isAncestor(dir, local, sha))) return; // local commits of the user's own: leave them
  if ((await currentBranch(dir)) === branch) await runGit(dir, ['merge', '--ff-only', '--quiet', sha]);
  else await runGit(dir, ['update-ref', `refs/heads/${branch}`, sha, ...(local ? [local] : [])]);
}

async function jitteredBackoff(attempt: number): Promise<void> {
  const ms = Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random());
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
}
