// `status` shows the wake this loop will really keep (back-off, alarm polls, a standby's lease looks),
// and the role as the last step found it: a leader whose lease lapsed says so, a standby counts its looks.
import type { Wake } from '../../domain/supervisor/next-wake.js';
import { writeSupervisorStats, type SupervisorStats } from '../../adapters/control-repo/supervisor-stats.js';
import type { SupervisorDeps, SupervisorMemory } from './deps.js';
import { leaseStats } from './describe.js';

/** Before the first good cycle only a standby has figures to show: its looks at the lease, no API call. */
export function recordWake(deps: SupervisorDeps, memory: SupervisorMemory, wake: Wake): void {
  const base: SupervisorStats | undefined =
    memory.stats ??
    (memory.role?.kind === 'standby'
      ? {
          at: deps.now(),
          node: deps.node,
          mode: 'loop',
          calls: 0,
          budgetLimit: memory.lastGood?.factory.supervisor.budget.requestsPer30m ?? 0,
          budgets: {},
          nextWake: wake,
        }
      : undefined);
  if (!base) return;
  const budgets = Object.fromEntries([...memory.httpCache].map(([k, c]) => [k, c.stats().budget]));
  memory.stats = {
    ...base,
    mode: 'loop',
    budgets,
    nextWake: wake,
    ...(memory.role ? leaseStats(memory.role, memory.leaseChecks) : {}),
    ...(memory.clockOffsetMs !== undefined ? { clockOffsetMs: memory.clockOffsetMs } : {}),
  };
  writeSupervisorStats(deps.dir, memory.stats);
}
