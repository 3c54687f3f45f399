// What counts as CI work: which pipelines, PR checks and queue entries load CI. The adapters only fetch them.
import type { Activity } from './activity.js';
import type { CiQueue } from './ci-overload.js';
import type { CombinedState, PipelineSummary, PullSummary, QueueInfo } from '../ports/forge.js';

/** Woodpecker statuses of work waiting for an agent, and of work on one. */
export const CI_PENDING_STATUSES: readonly string[] = ['pending'];
export const CI_RUNNING_STATUSES: readonly string[] = ['running'];

export interface RepoSeen {
  pulls: readonly PullSummary[];
  readyIssues: number;
  /** the repository's latest pipelines (empty where no CI repository is configured) */
  pipelines: readonly PipelineSummary[];
  /** combined status of the open PRs' heads (of at most a few of them) */
  pullStatuses: readonly CombinedState[];
}

/** One repository's work in flight, from what the forge and CI listed. */
export function repoActivity(seen: RepoSeen, now: number): Activity {
  const pending = seen.pipelines.filter((p) => CI_PENDING_STATUSES.includes(p.status)).length;
  const activity: Activity = {
    openPulls: seen.pulls.length,
    // A PR whose checks are pending is CI work even where no Woodpecker repository is configured.
    ciPending: Math.max(pending, seen.pullStatuses.filter((s) => s === 'pending').length),
    ciRunning: seen.pipelines.filter((p) => CI_RUNNING_STATUSES.includes(p.status)).length,
    readyBacklog: seen.readyIssues,
  };
  const times = [
    ...seen.pulls.map((p) => Date.parse(p.updatedAt)),
    ...seen.pipelines.map((p) => 1000 * (p.finishedAt ?? p.startedAt ?? p.createdAt)),
  ].filter(Number.isFinite);
  if (times.length > 0) activity.lastActivityAt = Math.min(now, Math.max(...times));
  return activity;
}

/** The CI servers' queues as one: every pending entry counts, the oldest one's wait is the age. */
export function ciQueueLoad(queues: readonly QueueInfo[], now: number): CiQueue {
  const created = queues.flatMap((q) => q.pending.map((t) => t.created).filter((c): c is number => c !== undefined));
  return {
    pendingCount: queues.reduce((n, q) => n + q.stats.pendingCount, 0),
    oldestPendingAgeMs: created.length > 0 ? Math.max(0, now - 1000 * Math.min(...created)) : 0,
  };
}
