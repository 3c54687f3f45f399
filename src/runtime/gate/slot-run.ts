// The gate's `-- COMMAND` form, loaded only by it (dist/gate-slots.cjs): the plain gate never loads this.
import { join } from 'node:path';
import { runInSlot, type SlotCap } from '../../adapters/node/slot-lock.js';
import type { ControlView } from '../../domain/control-view.js';
import { slotId } from '../../domain/slot-id.js';
import { EXIT } from '../../exit-codes.js';

export interface SlotQuestion {
  runDir: string;
  role: string;
  repo: string | undefined;
  roleConfig: ControlView['roles'][string];
  command: string[];
}

/** The caps that apply: the role's on this node, and its per-repository one when --repo names one. */
export function slotCaps(q: Omit<SlotQuestion, 'command'>): SlotCap[] {
  const base = join(q.runDir, 'slots');
  const caps: SlotCap[] = [];
  const perRepo = q.roleConfig.maxConcurrentPerRepo;
  if (q.repo && perRepo)
    caps.push({
      dir: join(base, slotId({ role: q.role, repo: q.repo }).replace(/\//g, '_')),
      count: perRepo,
      what: `${q.role} for ${q.repo}`,
    });
  if (q.roleConfig.maxConcurrent)
    caps.push({ dir: join(base, q.role), count: q.roleConfig.maxConcurrent, what: q.role });
  return caps;
}

/** Runs the command in a slot: its exit code, or 75 "3 of 3 running" when a cap is full. */
export async function runGated(q: SlotQuestion, err: (text: string) => void): Promise<number> {
  const run = await runInSlot(slotCaps(q), q.command);
  if (run.kind === 'ran') return run.code;
  err(`factoryctl gate: ${run.cap.what}: ${run.cap.count} of ${run.cap.count} running`);
  return EXIT.TEMPFAIL;
}
