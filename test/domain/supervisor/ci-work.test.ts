import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../src/domain/supervisor/activity.js';
import { ciQueueLoad, repoActivity, type RepoSeen } from '../../../src/domain/supervisor/ci-work.js';
import type { PipelineSummary, PullSummary, QueueInfo } from '../../../src/domain/ports/forge.js';

const NOW = Date.parse('2026-03-02T08:00:00Z');
const S = NOW / 1000;
const pipe = (status: string, at = S - 600): PipelineSummary => ({ number: 1, status, createdAt: at });
const pull = (updatedAt: string): PullSummary => ({
  number: 1,
  title: 't',
  state: 'open',
  merged: false,
  headSha: 'abc',
  updatedAt,
});
const seen = (o: Partial<RepoSeen>): RepoSeen => ({ pulls: [], readyIssues: 0, pipelines: [], pullStatuses: [], ...o });

describe('repoActivity: what counts as CI work in one repository', () => {
  it.each<[string, RepoSeen, Activity]>([
    ['nothing at all', seen({}), { openPulls: 0, ciPending: 0, ciRunning: 0, readyBacklog: 0 }],
    [
      'pending and running pipelines count; finished ones do not',
      seen({
        pipelines: [
          pipe('pending'),
          pipe('running'),
          pipe('running'),
          pipe('success'),
          pipe('failure'),
          pipe('killed'),
          pipe('blocked'),
        ],
      }),
      { openPulls: 0, ciPending: 1, ciRunning: 2, readyBacklog: 0, lastActivityAt: NOW - 600_000 },
    ],
    [
      'PR checks pending with no CI repository configured count as pending',
      seen({
        pulls: [pull('2026-03-02T07:50:00Z'), pull('2026-03-02T07:40:00Z')],
        pullStatuses: ['pending', 'success'],
      }),
      { openPulls: 2, ciPending: 1, ciRunning: 0, readyBacklog: 0, lastActivityAt: NOW - 600_000 },
    ],
    [
      'the same work seen both ways is not counted twice',
      seen({
        pulls: [pull('2026-03-02T07:00:00Z')],
        pipelines: [pipe('pending'), pipe('pending')],
        pullStatuses: ['pending'],
      }),
      { openPulls: 1, ciPending: 2, ciRunning: 0, readyBacklog: 0, lastActivityAt: NOW - 600_000 },
    ],
    [
      'ready issues are backlog',
      seen({ readyIssues: 4 }),
      { openPulls: 0, ciPending: 0, ciRunning: 0, readyBacklog: 4 },
    ],
    [
      'a pipeline finishing later than it started: its end is the activity',
      seen({
        pipelines: [{ number: 2, status: 'success', createdAt: S - 900, startedAt: S - 800, finishedAt: S - 60 }],
      }),
      { openPulls: 0, ciPending: 0, ciRunning: 0, readyBacklog: 0, lastActivityAt: NOW - 60_000 },
    ],
    [
      'a server clock ahead: activity is never in the future',
      seen({ pulls: [pull('2026-03-02T09:00:00Z')] }),
      { openPulls: 1, ciPending: 0, ciRunning: 0, readyBacklog: 0, lastActivityAt: NOW },
    ],
  ])('%s', (_what, input, expected) => {
    expect(repoActivity(input, NOW)).toEqual(expected);
  });
});

describe("ciQueueLoad: the CI servers' queues as one", () => {
  const queue = (pendingCount: number, created: (number | undefined)[]): QueueInfo => ({
    pending: created.map((c, i) => ({ id: String(i), ...(c !== undefined ? { created: c } : {}) })),
    running: [],
    stats: { pendingCount, runningCount: 0, workerCount: 1 },
  });
  it.each<[string, QueueInfo[], { pendingCount: number; oldestPendingAgeMs: number }]>([
    ["no servers' entries", [queue(0, [])], { pendingCount: 0, oldestPendingAgeMs: 0 }],
    [
      'summed over servers; the oldest entry anywhere is the age',
      [queue(2, [S - 60, S - 30]), queue(1, [S - 300])],
      { pendingCount: 3, oldestPendingAgeMs: 300_000 },
    ],
    [
      'entries without a creation time count, but give no age',
      [queue(2, [undefined, undefined])],
      { pendingCount: 2, oldestPendingAgeMs: 0 },
    ],
    ['a server clock ahead: no negative age', [queue(1, [S + 120])], { pendingCount: 1, oldestPendingAgeMs: 0 }],
  ])('%s', (_what, queues, expected) => {
    expect(ciQueueLoad(queues, NOW)).toEqual(expected);
  });
});
