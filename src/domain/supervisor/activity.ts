/** What the forges and CI show of work in flight; counts are summed over the repos a role serves. */
export interface Activity {
  openPulls: number;
  ciPending: number;
  ciRunning: number;
  readyBacklog: number;
  /** Latest moment anything moved (a PR updated, a pipeline finished), when the adapters know it. */
  lastActivityAt?: number;
}

export type ActivitySignal = 'openPulls' | 'ciPending' | 'ciRunning' | 'readyBacklog';
export const ACTIVITY_SIGNALS: readonly ActivitySignal[] = ['openPulls', 'ciPending', 'ciRunning', 'readyBacklog'];

export const NO_ACTIVITY: Activity = { openPulls: 0, ciPending: 0, ciRunning: 0, readyBacklog: 0 };

/** Sums per-repository activity into the factory's; the latest activity time wins. */
export function sumActivity(perRepo: readonly Activity[]): Activity {
  const total: Activity = { ...NO_ACTIVITY };
  for (const a of perRepo) {
    for (const s of ACTIVITY_SIGNALS) total[s] += a[s];
    if (a.lastActivityAt !== undefined)
      total.lastActivityAt = Math.max(total.lastActivityAt ?? -Infinity, a.lastActivityAt);
  }
  return total;
}

const LABELS: Record<ActivitySignal, [string, string]> = {
  openPulls: ['open PR', 'open PRs'],
  ciPending: ['pipeline pending', 'pipelines pending'],
  ciRunning: ['pipeline running', 'pipelines running'],
  readyBacklog: ['ready issue', 'ready issues'],
};

/** "2 open PRs, 1 pipeline running" for the signals given; "" when all are zero. */
export function describeWork(activity: Activity, signals: readonly ActivitySignal[] = ACTIVITY_SIGNALS): string {
  return signals
    .filter((s) => activity[s] > 0)
    .map((s) => `${activity[s]} ${LABELS[s][activity[s] === 1 ? 0 : 1]}`)
    .join(', ');
}

/** "no open PRs, no pipelines pending, ..." for the quiet signals. */
export function describeQuiet(signals: readonly ActivitySignal[] = ACTIVITY_SIGNALS): string {
  return signals.map((s) => `no ${LABELS[s][1]}`).join(', ');
}
