import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runGit, type GitResult } from './run-git.js';

/** Lock files git leaves behind when a process holding them is killed. */
const LOCKS = [
  'index.lock',
  'HEAD.lock',
  'ORIG_HEAD.lock',
  'FETCH_HEAD.lock',
  'packed-refs.lock',
  'config.lock',
  'shallow.lock',
];

export interface RecoveryReport {
  removedLocks: string[];
  aborted: string[];
}

/**
 * Undoes what a killed git process left: stale lock files (older than staleMs, so a live
 * git's lock is left alone) and half-finished merges or rebases. Cheap when there is nothing to do.
 */
export async function recoverRepo(dir: string, staleMs = 30_000, now = Date.now()): Promise<RecoveryReport> {
  const gitDir = join(dir, '.git');
  const report: RecoveryReport = { removedLocks: [], aborted: [] };
  const candidates = [...LOCKS.map((f) => join(gitDir, f)), ...refLocks(join(gitDir, 'refs'))];
  for (const path of candidates) {
    try {
      if (now - statSync(path).mtimeMs >= staleMs) {
        rmSync(path, { force: true });
        report.removedLocks.push(path);
      }
    } catch {
      // absent: nothing to recover
    }
  }
  const operations: [string, string[]][] = [
    ['rebase-merge', ['rebase', '--abort']],
    ['rebase-apply', ['rebase', '--abort']],
    ['MERGE_HEAD', ['merge', '--abort']],
    ['CHERRY_PICK_HEAD', ['cherry-pick', '--abort']],
  ];
  for (const [marker, args] of operations) {
    if (existsSync(join(gitDir, marker))) {
      await runGit(dir, args);
      report.aborted.push(args[0]!);
    }
  }
  return report;
}

function refLocks(refsDir: string): string[] {
  try {
    return readdirSync(refsDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.lock'))
      .map((f) => join(refsDir, f));
  } catch {
    return [];
  }
}

/** What git says when a killed process left a lock or a half-done merge behind. */
export const LEFT_BEHIND = /\.lock|another git process|unmerged|merge|rebase/i;

/** What git says when a concurrent git updated a ref between this one's read and its write. */
const MOVED_UNDER_US = /cannot lock ref '[^']+': is at [0-9a-f]+ but expected [0-9a-f]+/;

/**
 * Runs a git step; when it failed on what a killed process left behind (not on its time bound),
 * clears what is stale and runs it once more.
 */
export async function retryAfterRecovery(dir: string, step: () => Promise<GitResult>): Promise<GitResult> {
  const result = await step();
  if (result.code === 0 || result.timedOut) return result;
  // Another git in the same clone moved the ref first (the gate's pull beside the node daemon's):
  // nothing is left behind, and the step run again finds the ref where that one put it.
  if (MOVED_UNDER_US.test(result.stderr)) return step();
  if (!LEFT_BEHIND.test(result.stderr)) return result;
  const recovered = await recoverRepo(dir);
  return recovered.removedLocks.length + recovered.aborted.length > 0 ? step() : result;
}
