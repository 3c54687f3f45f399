// The alert engine, pure: (candidates seen this cycle, alerts.yaml as on main, policy, now) ->
// the new alerts.yaml and the notifications to queue. Re-run on a fresh read after a rejected push.
import type { Notification, OutboxEntry } from '../config/alerts-state-schema.js';
import type { AlertsFile } from '../config/alerts-file-schema.js';
import type { Candidate } from './candidate.js';
import { flushGroups, type FlushPolicy } from './flush.js';
import { mergeAlerts } from './merge.js';
import { muteAlerts } from './mute.js';
import { liveSilences } from './silence.js';

export interface AlertPolicy extends FlushPolicy {
  groupBy: readonly string[];
  /** rule names whose firing alert inhibits the other alerts of its node (node-down's) */
  inhibitors: ReadonlySet<string>;
}
export interface AlertsDecision {
  file: AlertsFile;
  notifications: Notification[];
  decisions: string[];
  /**
   * The earliest time something may be sent without anything else changing: a group's flush, a
   * pending alert held for its `for`, a failed delivery's retry. The loop wakes then.
   */
  dueAt?: number;
}

export function decideAlerts(
  candidates: readonly Candidate[],
  previous: AlertsFile,
  policy: AlertPolicy,
  now: number,
): AlertsDecision {
  const silences = liveSilences(previous.silences, now);
  const merged = mergeAlerts(candidates, previous.alerts, policy.groupBy, now);
  const muted = muteAlerts(merged.alerts, silences, policy.inhibitors, now);
  const flushed = flushGroups(muted, previous.groups, policy, now);
  const queued: OutboxEntry[] = flushed.notifications.map((notification) => ({
    notification,
    attempts: 0,
    nextAttemptAt: notification.createdAt,
  }));
  const due = [
    ...flushed.groups.map((g) => Date.parse(g.nextFlushAt)),
    ...merged.firesAt,
    ...previous.outbox.map((e) => Date.parse(e.nextAttemptAt)),
  ].filter((t) => t > now);
  const file: AlertsFile = {
    alerts: flushed.alerts.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1)),
    groups: flushed.groups,
    silences,
    outbox: [...previous.outbox, ...queued],
    ...(previous.lease ? { lease: previous.lease } : {}),
  };
  const decisions = [
    ...merged.decisions,
    ...flushed.notifications.map(
      (n) => `alert group ${n.groupKey} (${n.status}, ${n.alerts.length} alerts) queued for ${n.receiver}`,
    ),
  ];
  return {
    file,
    notifications: flushed.notifications,
    decisions,
    ...(due.length ? { dueAt: Math.min(...due) } : {}),
  };
}

/** What a drain after the last commit did, for the next commit: delivered ids leave, tried ones are updated. */
export interface DrainResult {
  delivered: readonly string[];
  updated: readonly OutboxEntry[];
}

export function applyDrain(outbox: readonly OutboxEntry[], drain: DrainResult | undefined): OutboxEntry[] {
  if (!drain) return [...outbox];
  const gone = new Set(drain.delivered);
  const updated = new Map(drain.updated.map((e) => [e.notification.id, e]));
  return outbox.filter((e) => !gone.has(e.notification.id)).map((e) => updated.get(e.notification.id) ?? e);
}

/** The drain as data: what went in, what came back. */
export function drainResult(tried: readonly OutboxEntry[], remaining: readonly OutboxEntry[]): DrainResult {
  const left = new Set(remaining.map((e) => e.notification.id));
  return {
    delivered: tried.map((e) => e.notification.id).filter((id) => !left.has(id)),
    updated: [...remaining],
  };
}
