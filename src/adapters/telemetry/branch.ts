import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { nextTelemetryFilesOf, TELEMETRY_PATHS, type TelemetryUpdate } from '../../domain/telemetry-files.js';
import { buildCommit, commitTree } from '../git/build-commit.js';
import { readFilesAt, resolveRef } from '../git/read-files.js';
import { git, runGit } from '../git/run-git.js';
import { TELEMETRY_PREFIX } from './read.js';

export interface TelemetryBranchOptions {
  /** The node's clone of the control repo; its work tree and index are never touched. */
  dir: string;
  node: string;
  remote?: string;
  keepSamples: number;
  /** Compact when the branch's objects pass this size. */
  maxBranchKiB: number;
  /** Compact when the branch passes this many commits. */
  maxCommits?: number;
  pushTimeoutMs: number;
  /** Commit dates; injectable so a simulated week writes a week of dates. */
  now: () => number;
  /** The daemon's journal: told when a compaction starts (its end is the commit's `compacted`). */
  log?: (line: string) => void;
}

export interface PushOutcome {
  ok: boolean;
  /** Local commits the remote does not have yet. */
  pending: boolean;
  error?: string;
}

export interface TelemetryBranch {
  readonly ref: string;
  /** Clears what a killed predecessor left on our refs; starts from the remote's branch when this clone has none. */
  prepare(): Promise<void>;
  /** A file as last committed on the local branch. */
  readCommitted(path: string): Promise<string | undefined>;
  /** The local tip's commit time (ms), undefined when the branch does not exist yet. */
  lastCommittedAt(): Promise<number | undefined>;
  /** One commit on the local branch holding one or more cycles' updates (compacting it when due); no network. */
  commit(updates: readonly TelemetryUpdate[], message: string): Promise<{ sha: string; compacted: boolean }>;
  /** Pushes whatever is queued locally, with a lease on the last sha this node pushed. */
  push(): Promise<PushOutcome>;
}

export const DEFAULT_MAX_COMMITS = 400;
// Size checks walk the branch's objects: not on every commit.
const SIZE_CHECK_EVERY = 10;

/**
 * The node's telemetry branch `telemetry/<node>`: one writer (this node), so it never merges.
 * Commits are built through a private index and the local branch moved with a compare-and-swap
 * update-ref, so a kill -9 at any point leaves the old tip or the new one, never a torn file.
 * The local branch is the queue: a forge outage only delays the push. Compaction rewrites the
 * branch as one root commit holding the current files (history.jsonl and journal.jsonl already
 * carry the bounded past), and the push uses --force-with-lease on the last sha pushed.
 */
export function createTelemetryBranch(opts: TelemetryBranchOptions): TelemetryBranch {
  const { dir } = opts;
  const remote = opts.remote ?? 'origin';
  const branch = `${TELEMETRY_PREFIX}${opts.node}`;
  const ref = `refs/heads/${branch}`;
  const tracking = `refs/remotes/${remote}/${branch}`;
  const maxCommits = opts.maxCommits ?? DEFAULT_MAX_COMMITS;
  const dateEnv = () => {
    const date = `@${Math.floor(opts.now() / 1000)} +0000`;
    return { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  };
  const netEnv = {
    GIT_HTTP_LOW_SPEED_LIMIT: '1000',
    GIT_HTTP_LOW_SPEED_TIME: String(Math.max(1, Math.ceil(opts.pushTimeoutMs / 1000))),
  };

  const hasRemote = async () => (await runGit(dir, ['remote', 'get-url', remote])).code === 0;

  return {
    ref,
    async prepare() {
      // We are these refs' only writer (the node lock says so): a lock file on them is a dead process's.
      for (const r of [ref, tracking]) rmSync(join(dir, '.git', `${r}.lock`), { force: true });
      if ((await resolveRef(dir, ref)) || !(await hasRemote())) return;
      await runGit(dir, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', remote, `+${ref}:${tracking}`], {
        timeoutMs: opts.pushTimeoutMs,
        env: netEnv,
      });
      const remoteTip = await resolveRef(dir, tracking);
      if (remoteTip) await runGit(dir, ['update-ref', ref, remoteTip, '']);
    },

    async readCommitted(path) {
      const tip = await resolveRef(dir, ref);
      return tip ? (await readFilesAt(dir, tip, [path])).get(path) : undefined;
    },

    async lastCommittedAt() {
      const r = await runGit(dir, ['log', '-1', '--format=%ct', ref, '--']);
      return r.code === 0 && r.stdout.trim() ? Number(r.stdout.trim()) * 1000 : undefined;
    },

    async commit(updates, message) {
      const tip = await resolveRef(dir, ref);
      const current = tip ? await readFilesAt(dir, tip, TELEMETRY_PATHS) : new Map<string, string | undefined>();
      const next = nextTelemetryFilesOf(current, updates, opts.keepSamples);
      const changes = Object.fromEntries(Object.entries(next).filter(([p, text]) => text !== current.get(p)));
      let sha = await buildCommit(dir, tip, changes, message, dateEnv());
      const count = tip ? Number(await git(dir, ['rev-list', '--count', tip])) : 0;
      let why: string | undefined;
      if (count + 1 > maxCommits) why = `${count + 1} commits > ${maxCommits}`;
      else if (count > 0 && count % SIZE_CHECK_EVERY === 0) {
        const kib = Number(await git(dir, ['rev-list', '--objects', '--disk-usage', sha])) / 1024;
        if (kib > opts.maxBranchKiB) why = `${Math.round(kib)} KiB > ${opts.maxBranchKiB} KiB`;
      }
      if (why) {
        // Before the work: a kill -9 from here to the commit's return lands mid-compaction (the fault test aims at it).
        opts.log?.(`compacting (${why})`);
        const tree = await git(dir, ['rev-parse', `${sha}^{tree}`]);
        sha = await commitTree(
          dir,
          tree,
          undefined,
          `telemetry ${opts.node}: compacted (${why}); history.jsonl and journal.jsonl keep the recent past\n\n${message}`,
          dateEnv(),
        );
      }
      // Compare-and-swap on the tip we built on: a second writer (which must not exist) fails loudly instead of losing commits.
      await git(dir, ['update-ref', '-m', 'telemetry', ref, sha, tip ?? '']);
      if (why) await collectGarbage(dir, [ref, tracking]);
      // About 6 loose objects a commit: pack once a thousand are there, not at git's default 6,700 (some 25 MB of 4 KiB blocks).
      else if (count % 100 === 99)
        await runGit(dir, ['-c', 'gc.autoDetach=false', '-c', 'gc.auto=1000', 'gc', '--auto', '--quiet'], {
          timeoutMs: 120_000,
        });
      return { sha, compacted: why !== undefined };
    },

    async push() {
      const first = await pushOnce();
      if (first.ok || !first.ownPushLanded) return first.outcome;
      // A kill between the server taking our push and our recording it: the remote holds our own
      // commit, not a foreign one. Nobody else wrote, so push again at once, leasing on it.
      return (await pushOnce()).outcome;
    },
  };

  async function pushOnce(): Promise<{ ok: boolean; ownPushLanded?: boolean; outcome: PushOutcome }> {
    const tip = await resolveRef(dir, ref);
    if (!tip) return { ok: true, outcome: { ok: true, pending: false } };
    if (!(await hasRemote())) return { ok: true, outcome: { ok: true, pending: false } };
    const pushed = await resolveRef(dir, tracking);
    if (pushed === tip) return { ok: true, outcome: { ok: true, pending: false } };
    const result = await runGit(
      dir,
      ['push', '--porcelain', '--quiet', `--force-with-lease=${ref}:${pushed ?? ''}`, remote, `${tip}:${ref}`],
      { timeoutMs: opts.pushTimeoutMs, env: netEnv },
    );
    if (result.code === 0 && !result.timedOut) {
      await runGit(dir, ['update-ref', '-m', 'telemetry pushed', tracking, tip]);
      return { ok: true, outcome: { ok: true, pending: false } };
    }
    // --porcelain says why on stdout ("!<tab>src:dst<tab>[rejected] (stale info)"); stderr only says it failed.
    const refLine = result.stdout
      .split('\n')
      .find((l) => l.startsWith('!'))
      ?.split('\t')
      .pop();
    const error = result.timedOut
      ? `push timed out after ${opts.pushTimeoutMs} ms`
      : [refLine, lastLines(result.stderr)].filter(Boolean).join(': ');
    let ownPushLanded = false;
    if (/stale info|rejected/i.test(result.stdout + result.stderr)) {
      // Whether the remote's commit was made here (before the fetch, a foreign one is not in this clone).
      const listed = await runGit(dir, ['ls-remote', remote, ref], { timeoutMs: opts.pushTimeoutMs, env: netEnv });
      const remoteSha = listed.code === 0 ? listed.stdout.split('\t')[0]?.trim() : undefined;
      ownPushLanded =
        !!remoteSha &&
        remoteSha !== pushed &&
        (await runGit(dir, ['cat-file', '-e', `${remoteSha}^{commit}`])).code === 0;
      // The remote is not where we left it (a reinstalled clone, a person's push): learn where it is;
      // the next push leases on that and puts this node's branch back, as its one writer.
      await runGit(dir, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', remote, `+${ref}:${tracking}`], {
        timeoutMs: opts.pushTimeoutMs,
        env: netEnv,
      });
    }
    return { ok: false, ownPushLanded, outcome: { ok: false, pending: true, error } };
  }
}

/** After a compaction: forget the old tips in the reflogs, then let git pack and drop what nothing reaches. */
async function collectGarbage(dir: string, refs: string[]): Promise<void> {
  await runGit(dir, ['reflog', 'expire', '--expire=now', '--expire-unreachable=now', ...refs]);
  await runGit(
    dir,
    ['-c', 'gc.autoDetach=false', '-c', 'gc.auto=1000', '-c', 'gc.pruneExpire=1.hour.ago', 'gc', '--auto', '--quiet'],
    { timeoutMs: 120_000 },
  );
  // Young objects stay: another factoryctl in this clone may be about to reference them.
  await runGit(dir, ['prune', '--expire=1.hour.ago'], { timeoutMs: 120_000 });
}

function lastLines(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
}
