// The gate's `-- COMMAND` form, loaded only by it (dist/gate-slots.cjs): the plain gate never loads this.
import { join } from 'node:path';
import { recordExit } from '../../adapters/node/exit-records.js';
import { runInSlot, type SlotCap } from '../../adapters/node/slot-lock.js';
import type { ControlView } from '../../domain/control-view.js';
import { factoryShare } from '../../domain/placement/factory-share.js';
import { slotId } from '../../domain/slot-id.js';
import { EXIT } from '../../exit-codes.js';

export interface SlotQuestion {
  runDir: string;
  node: string;
  role: string;
  repo: string | undefined;
  view: Pick<ControlView, 'roles' | 'nodes' | 'assignments'>;
  command: string[];
  /** When the run ended, for its exit record; default the wall clock. */
  now?: () => number;
}

/**
 * The caps that apply: the role's per-repository one when --repo names one, and the role's on this
 * node: the smaller of maxConcurrent and this node's share of maxConcurrentFactory (one set of
 * slot files, so a share that shrinks takes effect on the next run).
 */
export function slotCaps(q: Omit<SlotQuestion, 'command'>): SlotCap[] {
  const base = join(q.runDir, 'slots');
  const rc = q.view.roles[q.role]!;
  const caps: SlotCap[] = [];
  if (q.repo && rc.maxConcurrentPerRepo)
    caps.push({
      dir: join(base, slotId({ role: q.role, repo: q.repo }).replace(/\//g, '_')),
      count: rc.maxConcurrentPerRepo,
      what: `${q.role} for ${q.repo}`,
    });
  const runners = Object.entries(q.view.nodes).flatMap(([n, e]) => (e.roles.includes(q.role) ? [n] : []));
  const share = rc.maxConcurrentFactory
    ? factoryShare(q.role, rc.maxConcurrentFactory, q.node, q.view.assignments, runners)
    : undefined;
  if (share && (rc.maxConcurrent === undefined || share.count < rc.maxConcurrent))
    caps.push({ dir: join(base, q.role), count: share.count, what: `${q.role} (${share.why})` });
  else if (rc.maxConcurrent) caps.push({ dir: join(base, q.role), count: rc.maxConcurrent, what: q.role });
  return caps;
}

/** Runs the command in a slot and records its exit: its exit code, or 75 "3 of 3 running" when a cap is full. */
export async function runGated(q: SlotQuestion, err: (text: string) => void): Promise<number> {
  const caps = slotCaps(q);
  const none = caps.find((c) => c.count === 0);
  if (none) {
    err(`factoryctl gate: ${none.what}: no run here`);
    return EXIT.TEMPFAIL;
  }
  const run = await runInSlot(caps, q.command);
  if (run.kind === 'ran') {
    // The node reports slots whose runs keep failing (the agent-failing alert); the run's own code is kept whatever happens here.
    try {
      recordExit(
        q.runDir,
        slotId({ role: q.role, ...(q.repo ? { repo: q.repo } : {}) }),
        run.code,
        (q.now ?? Date.now)(),
      );
    } catch (error) {
      err(`factoryctl gate: cannot record the run's exit: ${(error as Error).message}`);
    }
    return run.code;
  }
  err(`factoryctl gate: ${run.cap.what}: ${run.cap.count} of ${run.cap.count} running`);
  return EXIT.TEMPFAIL;
}
