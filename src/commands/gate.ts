import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FactoryError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { effectiveState } from '../domain/effective-state.js';
import { gateDecision, type SyncInfo } from '../domain/gate-decision.js';
import { nodeEntry, protectedRoles } from '../domain/control-view.js';
import { decisionFile, nodePaths } from '../domain/node-paths.js';
import { loadControlView } from '../adapters/control-view.js';
import { lastSyncAt, pullFastForward } from '../adapters/git/pull.js';
import { readNodeDecision } from '../adapters/node-decision.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';
import { describeState } from './describe-state.js';

export const help = `usage: factoryctl gate <role> [--repo OWNER/NAME] [--node NAME] [--no-pull] [--json]

Pulls the control repo and answers whether <role> may run now on this node.
  exit 0   run
  exit 75  halted (EX_TEMPFAIL): the reason, who decided it and since when go to stderr
If the pull fails the gate decides from the last pulled state and says so; past
gate.maxStaleness heavy roles fail closed, the others open.

  --repo OWNER/NAME  the repository this agent works on (halts can target one repository)
  --no-pull          decide from the state already pulled (another process keeps it fresh)

In dev-poll.sh:  factoryctl gate dev --repo "$REPO" || exit 0`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { repo: { type: 'string' }, 'no-pull': { type: 'boolean' } }, 1);
  const role = positionals[0];
  if (!role) throw new FactoryError('gate needs a role, e.g. `factoryctl gate dev`', EXIT.USAGE);
  const dir = requireDir(ctx);

  const sync: SyncInfo = { pull: 'skipped', localOnly: !hasRemote(dir) };
  if (!values['no-pull'] && !sync.localOnly) {
    const outcome = await pullFastForward(dir, cachedPullTimeout(dir));
    sync.pull = outcome.ok ? 'ok' : 'failed';
    if (!outcome.ok) sync.pullError = outcome.error;
  }
  sync.lastSyncAt = lastSyncAt(dir);

  const { view, invalid } = await loadControlView(dir);
  const roleConfig = view.roles[role];
  if (!roleConfig) throw new FactoryError(`unknown role "${role}" (factory.yaml has: ${Object.keys(view.roles).join(', ')})`, EXIT.USAGE);
  const paths = nodePaths(dir, nodeEntry(view.nodes, ctx.node), ctx.env);
  const nodeDecision = readNodeDecision(decisionFile(paths));
  const now = ctx.now();
  const state = effectiveState(
    { role, node: ctx.node, ...(values.repo ? { repo: values.repo } : {}) },
    { overrides: view.overrides, halts: view.halts, protectedRoles: protectedRoles(view), ...(nodeDecision ? { nodeDecision } : {}) },
    now,
  );
  const decision = gateDecision(state, sync, roleConfig.heavy, view.gate.maxStalenessMs, now);
  if (invalid) decision.notes.push(`control files are invalid, using the last good state:\n${invalid.message}`);

  if (ctx.json) ctx.out(JSON.stringify({ run: decision.run, ...decision.state, stale: decision.stale, sync, notes: decision.notes }));
  for (const note of decision.notes) ctx.err(`factoryctl gate: ${note}`);
  ctx.err(describeState(decision.state, now));
  return decision.run ? EXIT.OK : EXIT.TEMPFAIL;
}

/** A control repo with no remote is purely local: nothing to pull, never stale. */
function hasRemote(dir: string): boolean {
  try {
    return readFileSync(join(dir, '.git', 'config'), 'utf8').includes('[remote "');
  } catch {
    return existsSync(join(dir, '.git'));
  }
}

/** The pull's time bound comes from the last good config (the one the gate is about to refresh). */
function cachedPullTimeout(dir: string): number {
  try {
    const cache = JSON.parse(readFileSync(join(dir, '.git', 'factoryctl', 'view-cache.json'), 'utf8')) as { factory?: { value?: { gate?: { pullTimeoutMs?: number } } } };
    return cache.factory?.value?.gate?.pullTimeoutMs ?? 5000;
  } catch {
    return 5000;
  }
}
