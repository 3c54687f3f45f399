// Agent runs that exit non-zero: the gate's `-- COMMAND` form (cron and loop mode both start agents
// through it) keeps, per slot, one small record of its runs' exits in the run dir; the node reports
// the slots whose runs keep failing in its decision. Bounded: one record per slot, whatever the runs.
import type { NodeDecision } from '../config/state-schema.js';

/** One slot's record in the run dir: its last run's exit and how many runs in a row exited non-zero (0: it succeeded). */
export interface ExitRecord {
  slot: string;
  count: number;
  code: number;
  at: string;
}

export type ExitStreaks = NonNullable<NodeDecision['exits']>;

/** The slot's record after a run that exited with `code`: a success ends the streak. */
export function nextExitRecord(prev: ExitRecord | undefined, slot: string, code: number, now: number): ExitRecord {
  const count = code === 0 ? 0 : (prev?.slot === slot ? prev.count : 0) + 1;
  return { slot, count, code, at: new Date(now).toISOString() };
}

/** The decision's `exits`: only the slots whose last run failed, in slot order (a stable decision.json). */
export function exitStreaks(records: readonly ExitRecord[]): ExitStreaks {
  return Object.fromEntries(
    records
      .filter((r) => r.count > 0)
      .sort((a, b) => (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0))
      .map((r) => [r.slot, { count: r.count, code: r.code, at: r.at }]),
  );
}

/** A record as read back from its file; anything else (torn, foreign) is no record. */
export function readExitRecord(json: unknown): ExitRecord | undefined {
  const r = json as Partial<ExitRecord> | undefined;
  return r &&
    typeof r.slot === 'string' &&
    Number.isInteger(r.count) &&
    r.count! >= 0 &&
    Number.isInteger(r.code) &&
    typeof r.at === 'string' &&
    !Number.isNaN(Date.parse(r.at))
    ? { slot: r.slot, count: r.count!, code: r.code!, at: r.at }
    : undefined;
}
