// The supervisor's own figures for `status` (call budget, next wake, leadership): local to its
// clone, never committed, since they change every cycle and main must stay quiet.
import { readFileSync } from 'node:fs';
import type { CiAgentView } from '../../domain/supervisor/ci-agents.js';
import type { BudgetStatus } from '../http/budget.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { privatePath } from './private-dir.js';

export interface SupervisorStats {
  /** when written (the supervisor's clock) */
  at: number;
  node: string;
  mode: 'once' | 'loop';
  /** API calls of the last cycle */
  calls: number;
  /** supervisor.budget.requestsPer30m: each forge and CI server gets that many */
  budgetLimit: number;
  /** rolling budget per server ("forge:<name>", "ci:<name>") as the supervisor counted it */
  budgets: Record<string, BudgetStatus>;
  nextWake: { at: number; reason: string };
  /** Leadership (see src/domain/supervisor/lease.ts); absent without a remote: the one supervisor leads. */
  lease?: {
    role: 'leader' | 'standby';
    holder?: string;
    epoch?: number;
    /** on this supervisor's own clock: when the term as it judges it ends (a renewal it has not seen yet may extend it) */
    expiresAt?: number;
    note?: string;
    /** a leader that could not renew within its term: when its lease lapsed (it decides nothing since) */
    lapsedAt?: number;
    /** looks at the lease between cycles by this daemon: a standby does nothing else */
    checks?: number;
  };
  /** the forge's clock less ours, as its Date headers bound it: time alarms fire by the forge's clock */
  clockOffsetMs?: number;
  /** each node's Woodpecker agent and its no_schedule after the last cycle; absent when no node names one */
  ciAgents?: CiAgentView[];
}

export const statsFile = (dir: string) => privatePath(dir, 'supervisorStats');

export function writeSupervisorStats(dir: string, stats: SupervisorStats): void {
  try {
    writeFileAtomic(statsFile(dir), `${JSON.stringify(stats)}\n`);
  } catch {
    // figures only: a full disk must not stop the supervisor
  }
}

/** undefined when no supervisor ever ran in this clone, or the file is torn or foreign */
export function readSupervisorStats(dir: string): SupervisorStats | undefined {
  try {
    const s = JSON.parse(readFileSync(statsFile(dir), 'utf8')) as SupervisorStats;
    return typeof s.at === 'number' && typeof s.nextWake?.at === 'number' && typeof s.budgets === 'object'
      ? s
      : undefined;
  } catch {
    return undefined;
  }
}
