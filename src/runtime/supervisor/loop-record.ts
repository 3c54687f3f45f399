// `status` shows the wake this loop will really keep (back-off, alarm polls), not just the plan's.
import type { Wake } from '../../domain/supervisor/next-wake.js';
import { writeSupervisorStats } from '../../adapters/control-repo/supervisor-stats.js';
import type { SupervisorMemory } from './deps.js';

/** Nothing before the first good cycle: there are no figures to show yet. */
export function recordWake(dir: string, memory: SupervisorMemory, wake: Wake): void {
  if (!memory.stats) return;
  const budgets = Object.fromEntries([...memory.httpCache].map(([k, c]) => [k, c.stats().budget]));
  memory.stats = { ...memory.stats, mode: 'loop', budgets, nextWake: wake };
  writeSupervisorStats(dir, memory.stats);
}
