// The one path by which factoryctl commits to main (the supervisor's decisions, halt/resume, alarms):
// the compare-and-swap push when the control repo has a remote, else a plain local commit (the
// embedded default, a purely local control repo).
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { casCommit, type CasCommitRequest } from '../git/cas-commit.js';
import { currentBranch, git, readFilesAt } from '../git/read-files.js';
import { controlRemote } from '../git/remote.js';
import { signingArgs } from '../git/signing.js';

export interface StateChange {
  changes: Record<string, string>;
  message: string;
}
export type StateMutation<R extends StateChange | null = StateChange | null> = (
  current: Map<string, string | undefined>,
) => R;
export interface StateCommitResult<R = StateChange | null> {
  changed: boolean;
  pushed: boolean;
  sha?: string;
  message?: string;
  /** what the mutation returned on its last run: the one the commit (if any) was built from */
  last?: R;
}

/** Re-reads and re-applies `mutate` on every rejected push; commits nothing when no file changes. */
export async function commitStateFiles<R extends StateChange | null>(
  dir: string,
  paths: string[],
  mutate: StateMutation<R>,
  fence?: CasCommitRequest['fence'],
): Promise<StateCommitResult<R>> {
  const branch = (await currentBranch(dir)) ?? 'main';
  const remote = await controlRemote(dir);
  if (remote) {
    // Every run is kept, so the caller gets the last one back as data.
    const runs: R[] = [];
    const remember = (current: Map<string, string | undefined>) => {
      const wanted = mutate(current);
      runs.push(wanted);
      return wanted;
    };
    const r = await casCommit(dir, { remote, branch, paths, mutate: remember, ...(fence ? { fence } : {}) });
    return {
      changed: r.changed,
      pushed: r.changed,
      ...(r.sha ? { sha: r.sha } : {}),
      ...(r.message ? { message: r.message } : {}),
      last: runs.at(-1),
    };
  }
  const current = await readFilesAt(dir, 'HEAD', paths);
  const wanted = mutate(current);
  const changed = Object.entries(wanted?.changes ?? {}).filter(([p, text]) => current.get(p) !== text);
  if (!wanted || changed.length === 0) return { changed: false, pushed: false, last: wanted };
  // Atomic: the gate reads these files from the work tree, and must never see half of one.
  for (const [path, text] of changed) writeFileAtomic(join(dir, path), text);
  const files = changed.map(([p]) => p);
  await git(dir, ['add', '--', ...files]);
  const signing = signingArgs();
  await git(dir, [...signing.config, 'commit', ...signing.sign, '--quiet', '-m', wanted.message, '--', ...files]);
  return {
    changed: true,
    pushed: false,
    sha: await git(dir, ['rev-parse', 'HEAD']),
    message: wanted.message,
    last: wanted,
  };
}
