import { effectiveState } from '../domain/effective-state.js';
import { gateDecision, type SyncInfo } from '../domain/gate-decision.js';
import { nodeEntry, protectedRoles } from '../domain/control-view.js';
import { checkNodeDecision, MIN_SILENCE_MS } from '../domain/node-silence.js';
import { decisionFile, nodePaths } from '../domain/node-paths.js';
import { loadControlView } from '../adapters/control-repo/view.js';
import { readNodeDecision } from '../adapters/node/decision-file.js';
import { FactoryError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { CommandContext } from './context.js';
import { describeState } from './describe-state.js';

export interface GateQuestion {
  dir: string;
  role: string;
  repo: string | undefined;
  sync: SyncInfo;
}

/**
 * The gate's answer from the control files in the work tree (pulled or not) and this node's own
 * decision file: prints it and returns the exit code. Its own module, so the gate can load it
 * while git is still pulling.
 */
export async function answerGate({ dir, role, repo, sync }: GateQuestion, ctx: CommandContext): Promise<number> {
  const { view, invalid } = await loadControlView(dir);
  const roleConfig = view.roles[role];
  if (!roleConfig) throw new FactoryError(`unknown role "${role}" (factory.yaml has: ${Object.keys(view.roles).join(', ')})`, EXIT.USAGE);
  const entry = nodeEntry(view.nodes, ctx.node);
  const paths = nodePaths(dir, entry, ctx.env);
  const now = ctx.now();
  const read = readNodeDecision(decisionFile(paths));
  const checked = read && checkNodeDecision(read, now, entry?.silenceMs ?? MIN_SILENCE_MS);
  const nodeDecision = checked?.live ? checked.decision : undefined;
  const state = effectiveState(
    { role, node: ctx.node, ...(repo ? { repo } : {}) },
    { overrides: view.overrides, halts: view.halts, protectedRoles: protectedRoles(view), ...(nodeDecision ? { nodeDecision } : {}) },
    now,
  );
  const decision = gateDecision(state, sync, roleConfig.heavy, view.gate.maxStalenessMs, now);
  if (checked && !checked.live) decision.notes.push(checked.note);
  if (invalid) decision.notes.push(`control files are invalid, using the last good state:\n${invalid.message}`);

  if (ctx.json) ctx.out(JSON.stringify({ run: decision.run, ...decision.state, stale: decision.stale, sync, notes: decision.notes }));
  for (const note of decision.notes) ctx.err(`factoryctl gate: ${note}`);
  ctx.err(describeState(decision.state, now));
  return decision.run ? EXIT.OK : EXIT.TEMPFAIL;
}
