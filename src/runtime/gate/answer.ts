import { describeState } from '../../domain/describe-state.js';
import { gateDecision, type SyncInfo } from '../../domain/gate-decision.js';
import { nodeEntry } from '../../domain/control-view.js';
import { isPlaced } from '../../domain/placement/slot-owner.js';
import { decisionFile, nodePaths } from '../../domain/node-paths.js';
import { nodeStanding, roleCell, type GridSources } from '../../domain/role-grid.js';
import { loadControlView } from '../../adapters/control-repo/view.js';
import { readTrustState } from '../../adapters/control-repo/trust-state.js';
import { trustSummary, untrustedNote } from '../../domain/trust/trust-state.js';
import { readNodeDecision } from '../../adapters/node/decision-file.js';
import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';

export interface GateQuestion {
  dir: string;
  role: string;
  repo: string | undefined;
  sync: SyncInfo;
  /** `gate ROLE -- COMMAND ARGS...`: run it holding a slot when the answer is run */
  command?: string[];
}

/** What the answer needs from its caller: who asks and when, and where the answer goes. */
export interface GateIo {
  node: string;
  env: NodeJS.ProcessEnv;
  json: boolean;
  now(): number;
  out(text: string): void;
  err(text: string): void;
}

/**
 * The gate's answer from the control files in the work tree (pulled or not) and this node's own
 * decision file: prints it and returns the exit code. Its own module, so the gate can load it
 * while git is still pulling.
 */
export async function answerGate({ dir, role, repo, sync, command }: GateQuestion, io: GateIo): Promise<number> {
  const { view, invalid } = await loadControlView(dir);
  const roleConfig = view.roles[role];
  if (!roleConfig)
    throw new FactoryError(
      `unknown role "${role}" (factory.yaml has: ${Object.keys(view.roles).join(', ')})`,
      EXIT.USAGE,
    );
  const now = io.now();
  const paths = nodePaths(dir, nodeEntry(view.nodes, io.node), io.env);
  const read = readNodeDecision(decisionFile(paths));
  const sources: GridSources = { ...view, decisions: new Map(read ? [[io.node, read]] : []), now };
  const standing = nodeStanding(io.node, sources);
  const state = roleCell({ role, node: io.node, ...(repo ? { repo } : {}) }, sources, standing);
  const placed = isPlaced(view.assignments, { role, ...(repo ? { repo } : {}) });
  const decision = gateDecision(state, sync, roleConfig.heavy, view.gate.maxStalenessMs, now, placed);
  if (standing.stale) decision.notes.push(standing.stale);
  if (invalid) decision.notes.push(`control files are invalid, using the last good state:\n${invalid.message}`);
  const trust = readTrustState(dir);
  const untrusted = untrustedNote(trust);
  if (untrusted) decision.notes.push(untrusted);

  // Another writer's change to this role's drop-in file on this node (also a layer of the state).
  const outside = standing.decision?.outside?.find((o) => o.role === role);
  if (io.json)
    io.out(
      JSON.stringify({
        run: decision.run,
        ...decision.state,
        stale: decision.stale,
        sync,
        notes: decision.notes,
        ...(trust ? { trust: trustSummary(trust) } : {}),
        ...(outside ? { outside } : {}),
      }),
    );
  for (const note of decision.notes) io.err(`factoryctl gate: ${note}`);
  io.err(describeState(decision.state, now));
  if (!decision.run) return EXIT.TEMPFAIL;
  if (!command) return EXIT.OK;
  const { runGated } = await import('./slot-run.js');
  return runGated({ runDir: paths.runDir, node: io.node, role, repo, view, command }, io.err);
}
