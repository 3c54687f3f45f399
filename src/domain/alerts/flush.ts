// Alertmanager's dispatch, one group at a time: the first send waits group_wait, later ones
// group_interval; a send happens when a firing alert is new to the receivers, an alert they knew
// resolved, or repeat_interval passed with alerts still firing. Resolved alerts leave after their send.
import type { AlertView, Notification } from '../config/alerts-state-schema.js';
import type { AlertRecord, GroupRecord } from '../config/alerts-file-schema.js';
import { notificationId } from './fingerprint.js';

export interface FlushPolicy {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  receiversFor(alert: AlertView): string[];
}
export interface Flushed {
  alerts: AlertRecord[];
  groups: GroupRecord[];
  notifications: Notification[];
}

const iso = (t: number) => new Date(t).toISOString();

export function viewOf(a: AlertRecord): AlertView {
  return {
    fingerprint: a.fingerprint,
    name: a.name,
    severity: a.severity,
    labels: a.labels,
    summary: a.summary,
    description: a.description,
    startsAt: a.startsAt ?? a.firstSeen,
    ...(a.endsAt ? { endsAt: a.endsAt } : {}),
    status: a.status === 'resolved' ? 'resolved' : 'firing',
  };
}

/** Alertmanager's DedupStage.needsUpdate. */
function needsUpdate(
  g: GroupRecord,
  firing: readonly string[],
  resolved: readonly string[],
  repeatMs: number,
  now: number,
) {
  if (g.lastSentAt === undefined) return firing.length > 0;
  if (firing.some((f) => !g.firing.includes(f))) return true;
  if (firing.length === 0) return g.firing.length > 0;
  if (resolved.some((r) => !g.resolved.includes(r))) return true;
  return Date.parse(g.lastSentAt) <= now - repeatMs;
}

export function flushGroups(
  alerts: readonly AlertRecord[],
  previous: readonly GroupRecord[],
  policy: FlushPolicy,
  now: number,
): Flushed {
  const byKey = new Map<string, AlertRecord[]>();
  for (const a of alerts) if (a.status !== 'pending') byKey.set(a.groupKey, [...(byKey.get(a.groupKey) ?? []), a]);
  const before = new Map(previous.map((g) => [g.key, g]));
  const out: Flushed = { alerts: alerts.filter((a) => a.status === 'pending'), groups: [], notifications: [] };
  for (const [key, members] of [...byKey].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const sendable = members.filter((a) => a.status === 'firing' && a.mutedBy === undefined);
    let group = before.get(key);
    if (!group) {
      // A group is born when an alert in it may be sent; resolved alerts nobody was told of just go.
      if (sendable.length === 0) {
        out.alerts.push(...members.filter((a) => a.status === 'firing'));
        continue;
      }
      group = { key, nextFlushAt: iso(now + policy.groupWaitMs), firing: [], resolved: [] };
    }
    let kept = members;
    if (now >= Date.parse(group.nextFlushAt)) {
      const firing = sendable.map((a) => a.fingerprint).sort();
      const told = members.filter((a) => a.status === 'resolved' && group!.firing.includes(a.fingerprint));
      const resolved = told.map((a) => a.fingerprint).sort();
      if (needsUpdate(group, firing, resolved, policy.repeatIntervalMs, now)) {
        const sent = [...sendable, ...told];
        const notes = notificationsFor(key, sent, policy, now);
        out.notifications.push(...notes);
        const to = (fp: string) =>
          notes.filter((n) => n.alerts.some((v) => v.fingerprint === fp)).map((n) => n.receiver);
        kept = members.map((a) => (sent.includes(a) ? { ...a, sentTo: to(a.fingerprint), lastSentAt: iso(now) } : a));
        // The next send waits group_interval; a flush that sends nothing leaves the group as it is
        // (nothing to commit), and is looked at again next cycle.
        group = { ...group, lastSentAt: iso(now), nextFlushAt: iso(now + policy.groupIntervalMs), firing, resolved };
      }
      // After a flush, resolved alerts are done: sent once, or never known to the receivers.
      kept = kept.filter((a) => a.status !== 'resolved');
    }
    out.alerts.push(...kept);
    if (kept.some((a) => a.status === 'firing') || kept.some((a) => a.status === 'resolved')) out.groups.push(group);
  }
  return out;
}

/** One notification per receiver, with the group's alerts that route to it. */
function notificationsFor(key: string, sent: readonly AlertRecord[], policy: FlushPolicy, now: number): Notification[] {
  const per = new Map<string, AlertView[]>();
  for (const a of sent) {
    const view = viewOf(a);
    for (const r of policy.receiversFor(view)) per.set(r, [...(per.get(r) ?? []), view]);
  }
  return [...per].map(([receiver, views]) => ({
    id: notificationId(key, receiver, now),
    receiver,
    groupKey: key,
    status: views.some((v) => v.status === 'firing') ? 'firing' : 'resolved',
    alerts: views,
    createdAt: iso(now),
  }));
}
