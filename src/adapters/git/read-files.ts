import { git, runGit } from './run-git.js';

/**
 * Reads several files at a ref in one `git cat-file --batch` (one process, however many files).
 * A missing file (or a missing ref) reads as undefined.
 */
export async function readFilesAt(dir: string, ref: string, paths: string[]): Promise<Map<string, string | undefined>> {
  const files = new Map<string, string | undefined>(paths.map((p) => [p, undefined]));
  if (paths.length === 0) return files;
  const result = await runGit(dir, ['cat-file', '--batch'], { input: paths.map((p) => `${ref}:${p}\n`).join('') });
  if (result.code !== 0) return files;
  // Output: "<sha> blob <size>\n<content>\n" or "<ref>:<path> missing\n", in request order.
  const out = Buffer.from(result.stdout, 'utf8');
  let pos = 0;
  for (const path of paths) {
    const eol = out.indexOf(10, pos);
    if (eol < 0) break;
    const header = out.subarray(pos, eol).toString('utf8');
    pos = eol + 1;
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!match) continue;
    const size = Number(match[2]);
    if (match[1] === 'blob') files.set(path, out.subarray(pos, pos + size).toString('utf8'));
    pos += size + 1;
  }
  return files;
}

/** The sha a ref points at, or undefined when it does not exist. */
export async function resolveRef(dir: string, ref: string): Promise<string | undefined> {
  const result = await runGit(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

export async function currentBranch(dir: string): Promise<string | undefined> {
  const result = await runGit(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

export async function isAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await runGit(dir, ['merge-base', '--is-ancestor', ancestor, descendant])).code === 0;
}

export { git };
