import type { NodeCyclePlan } from '../../domain/node/plan-cycle.js';
import type { MachineDeps } from './deps.js';
import type { Journal } from './journal.js';
import type { Machine } from './machine.js';
import { describeActiveEvent } from '../../domain/node/active-record.js';

/**
 * Makes the machine match the plan through the node's mechanisms, each on its own: one failing
 * (a full disk, no crontab) does not keep the others from halting. Per mechanism, what went
 * wrong this time (undefined: applied).
 */
export function applyMechanisms(
  plan: NodeCyclePlan,
  mechanisms: MachineDeps,
  machine: Machine,
  journal: Journal,
  now: number,
): Record<string, string | undefined> {
  const problems: Record<string, string | undefined> = {};
  const attempt = (what: string, step: () => void) => {
    try {
      step();
      problems[what] = undefined;
    } catch (error) {
      problems[what] = `${what}: ${(error as Error).message}`;
    }
  };
  if (plan.mechanisms.haltFiles)
    attempt('halt files', () => {
      for (const e of mechanisms.applyHaltFiles(plan.local) ?? []) journal.note(e.kind, describeActiveEvent(e));
    });
  if (plan.mechanisms.crontab) {
    attempt('crontab', () => {
      for (const w of mechanisms.applyCrontab(plan.local.crontab, plan.local.dirs).warnings)
        journal.report(`crontab-warning ${w}`, `crontab: ${w}`);
    });
    for (const p of plan.local.problems) journal.report(`plan ${p}`, `crontab: ${p}`);
  }
  if (plan.mechanisms.loop) {
    const runner = machine.runner();
    const { stateOf } = plan.cycle;
    runner.update(plan.assignments, (a) =>
      stateOf(a.repo === undefined ? { role: a.role } : { role: a.role, repo: a.repo }),
    );
    runner.tick(now);
  }
  return problems;
}
