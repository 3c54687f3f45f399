// Which remote the control repo syncs with: origin, else the first one; none means a purely local
// control repo (the embedded default), where nothing is pulled, pushed or leased.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from './run-git.js';

/** The remote main is pulled from and pushed to, or undefined when the clone has none. */
export async function controlRemote(dir: string): Promise<string | undefined> {
  return pickRemote((await runGit(dir, ['remote'])).stdout.split('\n').filter(Boolean));
}

export function pickRemote(remotes: readonly string[]): string | undefined {
  return remotes.includes('origin') ? 'origin' : remotes[0];
}

/**
 * The gate's hot path asks without spawning git: a remote section in .git/config. A `.git` that
 * is not a plain folder (a worktree, a submodule) is assumed to have one; the pull then says.
 */
export function mayHaveRemote(dir: string): boolean {
  try {
    return readFileSync(join(dir, '.git', 'config'), 'utf8').includes('[remote "');
  } catch {
    return existsSync(join(dir, '.git'));
  }
}
