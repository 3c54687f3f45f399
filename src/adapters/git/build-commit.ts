import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, runGit } from './run-git.js';
import { signingArgs } from './signing.js';

/** New content per path; null deletes the file. */
export type FileChanges = Record<string, string | null>;

/**
 * Builds a commit on `base` (or a root commit) with the given file changes, through a private
 * index: the user's index and work tree are never touched, and a killed process leaves only
 * unreferenced objects behind. Returns the new commit's sha; no ref is moved.
 */
export async function buildCommit(
  dir: string,
  base: string | undefined,
  changes: FileChanges,
  message: string,
  identity: NodeJS.ProcessEnv = {},
): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'factoryctl-index-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    await git(dir, base ? ['read-tree', base] : ['read-tree', '--empty'], { env });
    const lines: string[] = [];
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) lines.push(`0 ${'0'.repeat(40)}\t${path}`);
      else lines.push(`100644 ${await git(dir, ['hash-object', '-w', '--stdin'], { input: content })}\t${path}`);
    }
    await git(dir, ['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` });
    const tree = await git(dir, ['write-tree'], { env });
    return await commitTree(dir, tree, base, message, identity);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The one `commit-tree` of factoryctl: a commit of `tree` on `parent` (or a root commit), signed
 * with this process's key when one is configured (src/adapters/git/signing.ts). `env` may name
 * the key too (FACTORYCTL_SIGNING_KEY), over the process's.
 */
export async function commitTree(
  dir: string,
  tree: string,
  parent: string | undefined,
  message: string,
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  const signing = signingArgs({ ...process.env, ...env });
  return git(
    dir,
    [...signing.config, 'commit-tree', ...signing.sign, tree, ...(parent ? ['-p', parent] : []), '-m', message],
    {
      env: { ...(await identityEnv(dir)), ...env },
    },
  );
}

/** Commits carry the user's identity when git knows it, else factoryctl's. */
async function identityEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  const known = await runGit(dir, ['var', 'GIT_COMMITTER_IDENT']);
  if (known.code === 0) return {};
  return {
    GIT_AUTHOR_NAME: 'factoryctl',
    GIT_AUTHOR_EMAIL: 'factoryctl@localhost',
    GIT_COMMITTER_NAME: 'factoryctl',
    GIT_COMMITTER_EMAIL: 'factoryctl@localhost',
  };
}
