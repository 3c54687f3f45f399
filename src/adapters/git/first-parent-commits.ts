import { runGit } from './run-git.js';

export interface ListedCommit {
  sha: string;
  /** its first parent; absent for a root commit */
  parent?: string;
  /** files that differ from its first parent */
  files: string[];
}

/**
 * The first-parent chain from `from` (exclusive; none: from the root) to `to`, oldest first, each
 * commit with the files it changes against its first parent: one git process for the whole chain.
 */
export async function firstParentCommits(dir: string, from: string | undefined, to: string): Promise<ListedCommit[]> {
  const range = from ? [`${from}..${to}`] : [to];
  const result = await runGit(dir, [
    'log',
    '--reverse',
    '--first-parent',
    '--diff-merges=first-parent',
    '--name-only',
    '--no-renames',
    '--format=%x01%H %P',
    ...range,
    '--',
  ]);
  if (result.code !== 0) throw new Error(`git log ${range[0]}: ${result.stderr.trim()}`);
  return result.stdout
    .split('\x01')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const [head, ...files] = chunk.split('\n');
      const [sha, parent] = head!.trim().split(' ');
      return { sha: sha!, ...(parent ? { parent } : {}), files: files.filter((f) => f !== '') };
    });
}

/** Files that differ between two commits. */
export async function changedBetween(dir: string, from: string, to: string): Promise<string[]> {
  const result = await runGit(dir, ['diff', '--name-only', '--no-renames', from, to, '--']);
  if (result.code !== 0) throw new Error(`git diff ${from} ${to}: ${result.stderr.trim()}`);
  return result.stdout.split('\n').filter((f) => f !== '');
}

/** The oldest first-parent commit of `to` that adds `path`, if any. */
export async function firstAdding(dir: string, to: string, path: string): Promise<string | undefined> {
  const result = await runGit(dir, [
    'log',
    '--first-parent',
    '--reverse',
    '--diff-filter=A',
    '--format=%H',
    to,
    '--',
    path,
  ]);
  return result.code === 0 ? result.stdout.split('\n')[0] || undefined : undefined;
}
