import { userInfo } from 'node:os';
import { FactoryError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { untilTime } from '../domain/until.js';
import { CONTROL_PATHS } from '../domain/control-paths.js';
import { parseOverridesYaml, renderOverridesYaml } from '../domain/overrides-file.js';
import { isProtectedRole } from '../domain/roles/protected.js';
import type { Scope } from '../domain/overrides-edit.js';
import type { Override } from '../domain/config/state-schema.js';
import { runGit } from '../adapters/git/run-git.js';
import { checkSigningKey } from '../adapters/git/signing.js';
import { commitStateFiles, type StateCommitResult } from '../adapters/control-repo/state-commit.js';
import { loadControlView } from '../adapters/control-repo/view.js';
import type { CommandContext } from './context.js';
import { orThrow } from './refusal.js';

export const SCOPE_FLAGS = {
  repo: { type: 'string' },
  reason: { type: 'string' },
  until: { type: 'string' },
} as const;

/** --until takes an ISO time or a duration from now ("2h", "+30m"). */
export function parseUntil(text: string | undefined, now: number): string | undefined {
  if (text === undefined) return undefined;
  const until = untilTime(text, now);
  if (!until.ok) throw new UsageError(`--until: ${until.error}`);
  return until.at;
}

export async function scopeFor(
  ctx: CommandContext,
  dir: string,
  role: string | undefined,
  repo: string | undefined,
): Promise<Scope> {
  if (!role) throw new UsageError('name a role, e.g. dev');
  const { view } = await loadControlView(dir);
  if (!view.roles[role] && role !== 'all')
    throw new UsageError(`unknown role "${role}" (factory.yaml has: ${Object.keys(view.roles).join(', ')})`);
  if (isProtectedRole(role, view.roles[role]))
    throw new FactoryError(`${role} is a protected role: it is never halted`, EXIT.DATAERR);
  return { role, ...(ctx.nodeFlag ? { node: ctx.nodeFlag } : {}), ...(repo ? { repo } : {}) };
}

/** Who is acting: git's user.name when set, else the login and node. */
export async function actor(dir: string, ctx: CommandContext): Promise<string> {
  const name = await runGit(dir, ['config', 'user.name']);
  return name.code === 0 && name.stdout.trim() ? name.stdout.trim() : `${userInfo().username}@${ctx.node}`;
}

/**
 * Edits overrides.yaml on main through the one commit path (the compare-and-swap push, so
 * concurrent halts from several clones all land; a local commit without a remote).
 */
export async function commitOverrides(
  dir: string,
  edit: (current: Override[]) => { next: Override[]; message: string } | null,
): Promise<StateCommitResult> {
  const path = CONTROL_PATHS.overrides;
  await checkSigningKey();
  return commitStateFiles(dir, [path], (files) => {
    const result = edit(orThrow(parseOverridesYaml(files.get(path))).value);
    return result && { changes: { [path]: renderOverridesYaml(result.next) }, message: result.message };
  });
}
