// The one path by which factoryctl commits to main (the supervisor's decisions, halt/resume, alarms):
// the compare-and-swap push when the control repo has a remote, else a plain local commit (the
// embedded default, a purely local control repo).
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { casCommit, type CasCommitRequest } from '../git/cas-commit.js';
import { currentBranch, git, readFilesAt } from '../git/read-files.js';
import { controlRemote } from '../git/remote.js';

export type StateMutation = (current: Map<string, string | undefined>) => { changes: Record<string, string>; message: string } | null;
export interface StateCommitResult {
  changed: boolean;
  pushed: boolean;
  sha?: string;
  message?: string;
}

/** Re-reads and re-applies `mutate` on every rejected push; commits nothing when no file changes. */
export async function commitStateFiles(dir: string, paths: string[], mutate: StateMutation, fence?: CasCommitRequest['fence']): Promise<StateCommitResult> {
  const branch = (await currentBranch(dir)) ?? 'main';
  const remote = await controlRemote(dir);
  if (remote) {
    const r = await casCommit(dir, { remote, branch, paths, mutate, ...(fence ? { fence } : {}) });
    return { changed: r.changed, pushed: r.changed, ...(r.sha ? { sha: r.sha } : {}), ...(r.message ? { message: r.message } : {}) };
  }
  const current = await readFilesAt(dir, 'HEAD', paths);
  const wanted = mutate(current);
  const changed = Object.entries(wanted?.changes ?? {}).filter(([p, text]) => current.get(p) !== text);
  if (!wanted || changed.length === 0) return { changed: false, pushed: false };
  // Atomic: the gate reads these files from the work tree, and must never see half of one.
  for (const [path, text] of changed) writeFileAtomic(join(dir, path), text);
  const files = changed.map(([p]) => p);
  await git(dir, ['add', '--', ...files]);
  await git(dir, ['commit', '--quiet', '-m', wanted.message, '--', ...files]);
  return { changed: true, pushed: false, sha: await git(dir, ['rev-parse', 'HEAD']), message: wanted.message };
}
