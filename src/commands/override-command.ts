import { userInfo } from 'node:os';
import { FactoryError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { parseDuration } from '../domain/duration.js';
import { CONTROL_FILES } from '../domain/control-view.js';
import { isProtectedRole } from '../domain/roles/protected.js';
import type { Scope } from '../domain/overrides-edit.js';
import type { Override } from '../domain/config/state-schema.js';
import { casCommit } from '../adapters/git/cas-commit.js';
import { currentBranch, git } from '../adapters/git/read-files.js';
import { runGit } from '../adapters/git/run-git.js';
import { parseOverrides, renderOverrides } from '../adapters/control-repo/overrides-file.js';
import { loadControlView } from '../adapters/control-repo/view.js';
import type { CommandContext } from './context.js';

export const SCOPE_FLAGS = {
  repo: { type: 'string' },
  reason: { type: 'string' },
  until: { type: 'string' },
} as const;

/** --until takes an ISO time or a duration from now ("2h", "+30m"). */
export function parseUntil(text: string | undefined, now: number): string | undefined {
  if (text === undefined) return undefined;
  const relative = text.replace(/^\+/, '');
  if (/^\d/.test(relative) && !relative.includes('-') && !relative.includes(':')) return new Date(now + parseDuration(relative)).toISOString();
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError(`--until: not a time or a duration: ${text} (e.g. 2026-12-01T08:00:00Z or 2h)`);
  return new Date(at).toISOString();
}

export async function scopeFor(ctx: CommandContext, dir: string, role: string | undefined, repo: string | undefined): Promise<Scope> {
  if (!role) throw new UsageError('name a role, e.g. dev');
  const { view } = await loadControlView(dir);
  if (!view.roles[role] && role !== 'all') throw new UsageError(`unknown role "${role}" (factory.yaml has: ${Object.keys(view.roles).join(', ')})`);
  if (isProtectedRole(role, view.roles[role])) throw new FactoryError(`${role} is a protected role: it is never halted`, EXIT.DATAERR);
  return { role, ...(ctx.nodeFlag ? { node: ctx.nodeFlag } : {}), ...(repo ? { repo } : {}) };
}

/** Who is acting: git's user.name when set, else the login and node. */
export async function actor(dir: string, ctx: CommandContext): Promise<string> {
  const name = await runGit(dir, ['config', 'user.name']);
  return name.code === 0 && name.stdout.trim() ? name.stdout.trim() : `${userInfo().username}@${ctx.node}`;
}

/**
 * Edits overrides.yaml on main through the compare-and-swap commit, so concurrent halts from
 * several clones all land. A control repo without a remote is committed to locally.
 */
export async function commitOverrides(
  ctx: CommandContext,
  dir: string,
  edit: (current: Override[]) => { next: Override[]; message: string } | null,
): Promise<{ changed: boolean; sha?: string; message?: string; pushed: boolean }> {
  const branch = (await currentBranch(dir)) ?? 'main';
  const remotes = (await runGit(dir, ['remote'])).stdout.split('\n').filter(Boolean);
  const mutate = (files: Map<string, string | undefined>) => {
    const result = edit(parseOverrides(files.get(CONTROL_FILES.overrides)));
    return result && { changes: { [CONTROL_FILES.overrides]: renderOverrides(result.next) }, message: result.message };
  };
  if (remotes.length > 0) {
    const result = await casCommit(dir, { remote: remotes.includes('origin') ? 'origin' : remotes[0]!, branch, paths: [CONTROL_FILES.overrides], mutate });
    return { changed: result.changed, pushed: result.changed, ...(result.sha ? { sha: result.sha } : {}), ...(result.message ? { message: result.message } : {}) };
  }
  return commitLocally(dir, mutate);
}

async function commitLocally(dir: string, mutate: (f: Map<string, string | undefined>) => { changes: Record<string, string>; message: string } | null) {
  const { readFilesAt } = await import('../adapters/git/read-files.js');
  const current = await readFilesAt(dir, 'HEAD', [CONTROL_FILES.overrides]);
  const wanted = mutate(current);
  if (!wanted || wanted.changes[CONTROL_FILES.overrides] === current.get(CONTROL_FILES.overrides)) return { changed: false, pushed: false };
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { join, dirname } = await import('node:path');
  const path = join(dir, CONTROL_FILES.overrides);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, wanted.changes[CONTROL_FILES.overrides]!);
  await git(dir, ['add', '--', CONTROL_FILES.overrides]);
  await git(dir, ['commit', '--quiet', '-m', wanted.message, '--', CONTROL_FILES.overrides]);
  return { changed: true, pushed: false, sha: await git(dir, ['rev-parse', 'HEAD']), message: wanted.message };
}
