// The write half of a cycle, by role: a standby only says what it would have done; a leader's
// decisions land with its lease renewal in one atomic push (fencing); solo commits as it is.
import type { CyclePlan } from '../../domain/supervisor/cycle.js';
import { deposedRole } from '../../domain/supervisor/lease-term.js';
import { STATE_PATH_LIST } from '../../domain/supervisor/state-files.js';
import { commitStateFiles, type StateCommitResult } from '../../adapters/control-repo/state-commit.js';
import { readFilesAt } from '../../adapters/git/read-files.js';
import { LeaseLostError, type Leadership } from './lease.js';

/** Plans on the state files as given: re-run on each fresh read after a rejected push. */
export type PlanOn = (current: ReadonlyMap<string, string | undefined>) => CyclePlan;
export interface Written {
  plan: CyclePlan;
  commit: StateCommitResult;
  lead: Leadership;
  notes: string[];
}

const NOTHING: StateCommitResult = { changed: false, pushed: false };

export async function writePlan(
  dir: string,
  lead: Leadership,
  planOn: PlanOn,
  now: number,
): Promise<Written | { error: string }> {
  if (lead.kind === 'standby') {
    const plan = planOn(await readFilesAt(dir, 'HEAD', STATE_PATH_LIST));
    const would = Object.keys(plan.changes).length > 0 ? ` (as leader: ${plan.message.split('\n')[0]})` : '';
    return {
      plan,
      commit: NOTHING,
      lead,
      notes: [`standby: ${lead.note}; observing only, committing nothing${would}`],
    };
  }
  const leader = lead.kind === 'leader' ? lead : undefined;
  try {
    const commit = await commitStateFiles(
      dir,
      STATE_PATH_LIST,
      (current) => {
        const plan = planOn(current);
        return { changes: plan.changes, message: plan.message, plan };
      },
      leader ? () => leader.fence() : undefined,
    );
    if (leader) await (commit.changed ? leader.confirm() : leader.renewIfDue());
    // The mutation runs at least once before a commit returns; the plan on HEAD only guards the type.
    return {
      plan: commit.last?.plan ?? planOn(await readFilesAt(dir, 'HEAD', STATE_PATH_LIST)),
      commit,
      lead,
      notes: [],
    };
  } catch (error) {
    if (!(error instanceof LeaseLostError)) return { error: `commit failed: ${(error as Error).message}` };
    // Deposed: nothing landed, and what it would have done is planned on main as a standby's is.
    return {
      plan: planOn(await readFilesAt(dir, 'HEAD', STATE_PATH_LIST)),
      commit: NOTHING,
      lead: deposedRole(error.message, now),
      notes: [error.message],
    };
  }
}
