// Watching the watcher: a node's own judgement of whether the supervisor is gone, and the one
// "supervisor down" (then one "resolved") per outage it raises through the receivers itself.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AlertView, OutboxEntry, type Notification } from '../config/alerts-state-schema.js';
import type { AlertsConfig } from '../config/alerts-schema.js';
import { formatDuration } from '../duration.js';
import { receiversFor } from './route.js';

/**
 * Kept in the node's state dir. Times are this machine's own clock (never compared with another's), and
 * wall time rather than monotonic so that a restart, or a reboot, judges the outage it already paged for.
 */
export const SupervisorWatchState = z.object({
  /** the control/lease commit last seen, and since when */
  sha: z.string().optional(),
  since: z.number(),
  down: z.object({ since: z.number(), holder: z.string().optional() }).optional(),
  outbox: z.array(OutboxEntry).default([]),
});
export type SupervisorWatchState = z.infer<typeof SupervisorWatchState>;

export interface LeaseSeen {
  /** undefined: no lease branch at all (nobody ever led, or it was deleted) */
  sha?: string;
  holder?: string;
}

export type WatchDecision = { state: SupervisorWatchState; raised?: AlertView };

const iso = (ms: number) => new Date(ms).toISOString();
/** Name only, no labels: every node raises the same alert, so a forge issue receiver keeps one issue for all. */
export const SUPERVISOR_DOWN_FINGERPRINT = createHash('sha256').update('supervisor-down').digest('hex').slice(0, 16);

/**
 * (what was, the lease as just pulled, the bound, now) -> the new state and the alert to raise, if any.
 * A lease that keeps changing is a live supervisor (the leader renews it well within its term); one
 * unchanged for `boundMs` is not. Only called after a good pull: a node cut off from the forge sees no
 * change either, and must not page for its own trouble.
 */
export function decideSupervisorWatch(
  prev: SupervisorWatchState | undefined,
  seen: LeaseSeen,
  boundMs: number,
  node: string,
  now: number,
): WatchDecision {
  const changed = !prev || prev.sha !== seen.sha || prev.since > now;
  const since = changed ? now : prev.since;
  const base = { ...(seen.sha !== undefined ? { sha: seen.sha } : {}), since, outbox: prev?.outbox ?? [] };
  const age = now - since;
  if (prev?.down) {
    if (!changed) return { state: { ...base, down: prev.down } };
    return { state: base, raised: alertOf('resolved', prev.down, node, now, age) };
  }
  if (age < boundMs) return { state: base };
  const down = { since, ...(seen.holder !== undefined ? { holder: seen.holder } : {}) };
  return { state: { ...base, down }, raised: alertOf('firing', down, node, now, age) };
}

function alertOf(
  status: 'firing' | 'resolved',
  down: NonNullable<SupervisorWatchState['down']>,
  node: string,
  now: number,
  age: number,
): AlertView {
  const who = down.holder ? `supervisor ${down.holder}` : 'the supervisor';
  const firing = status === 'firing';
  return {
    fingerprint: SUPERVISOR_DOWN_FINGERPRINT,
    name: 'supervisor-down',
    severity: 'critical',
    labels: {},
    summary: firing ? `${who} is down: no lease renewal for ${formatDuration(age)}` : `${who} is back`,
    description: firing
      ? `Seen from node ${node}: control/lease has not changed since ${iso(down.since)}, so no supervisor ` +
        'decides (placement, halts, alerts). Check `factoryctl status` and the supervisor service.'
      : `Seen from node ${node}: control/lease changes again; it was silent from ${iso(down.since)} to ${iso(now)}.`,
    startsAt: iso(down.since),
    ...(firing ? {} : { endsAt: iso(now) }),
    status,
  };
}

/** One outbox entry per receiver the alert routes to, due now; ids stable per outage so a retry never duplicates. */
export function watchNotifications(alert: AlertView, alerts: AlertsConfig, node: string, now: number): OutboxEntry[] {
  return receiversFor(alert, alerts).map((receiver) => {
    const n: Notification = {
      id: `supervisor-down/${node}/${alert.startsAt}/${alert.status}/${receiver}`,
      receiver,
      groupKey: 'supervisor-down',
      status: alert.status,
      alerts: [alert],
      createdAt: iso(now),
    };
    return { notification: n, attempts: 0, nextAttemptAt: iso(now) };
  });
}
