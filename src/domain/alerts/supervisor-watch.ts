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
  down: z
    .object({
      since: z.number(),
      holder: z.string().optional(),
      /** a live peer first by name pages instead of this node; this one pages if that peer falls silent too */
      leftTo: z.string().optional(),
    })
    .optional(),
  /** each peer's telemetry tip as this node last saw it, and since when: a peer whose tip moves is alive */
  peers: z.record(z.string(), z.object({ sha: z.string(), since: z.number() })).default({}),
  outbox: z.array(OutboxEntry).default([]),
});
export type SupervisorWatchState = z.infer<typeof SupervisorWatchState>;

export interface LeaseSeen {
  /** undefined: no lease branch at all (nobody ever led, or it was deleted) */
  sha?: string;
  holder?: string;
}

/** `leftTo`: the supervisor is down and the peer named pages for it (this node stays quiet). */
export type WatchDecision = { state: SupervisorWatchState; raised?: AlertView; leftTo?: string };

const iso = (ms: number) => new Date(ms).toISOString();
/** Name only, no labels: every node raises the same alert, so a forge issue receiver keeps one issue for all. */
export const SUPERVISOR_DOWN_FINGERPRINT = createHash('sha256').update('supervisor-down').digest('hex').slice(0, 16);

/**
 * (what was, the lease as just pulled, the bound, now, the peers' telemetry tips) -> the new state
 * and the alert to raise, if any. A lease that keeps changing is a live supervisor (the leader renews
 * it well within its term); one unchanged for `boundMs` is not. Only called after a good pull: a node
 * cut off from the forge sees no change either, and must not page for its own trouble.
 * One page per outage for the whole factory: of the nodes alive by their telemetry (a tip that moved
 * within the bound, on this node's clock), the first by name pages; the others note it and stay
 * quiet, and page themselves only if that one falls silent before the supervisor is back.
 */
export function decideSupervisorWatch(
  prev: SupervisorWatchState | undefined,
  seen: LeaseSeen,
  boundMs: number,
  node: string,
  now: number,
  peerTips: Readonly<Record<string, string>> = {},
): WatchDecision {
  const changed = !prev || prev.sha !== seen.sha || prev.since > now;
  const since = changed ? now : prev.since;
  const peers = watchPeers(prev?.peers ?? {}, peerTips, node, now);
  const base = { ...(seen.sha !== undefined ? { sha: seen.sha } : {}), since, peers, outbox: prev?.outbox ?? [] };
  const age = now - since;
  const pager = [node, ...Object.keys(peers).filter((p) => now - peers[p]!.since < boundMs)].sort()[0]!;
  if (prev?.down) {
    const raisedHere = prev.down.leftTo === undefined;
    if (changed)
      return { state: base, ...(raisedHere ? { raised: alertOf('resolved', prev.down, node, now, age) } : {}) };
    if (raisedHere || pager !== node) return { state: { ...base, down: prev.down } };
    // The peer it was left to fell silent meanwhile: this node pages now.
    const { leftTo: _silent, ...down } = prev.down;
    return { state: { ...base, down }, raised: alertOf('firing', down, node, now, age) };
  }
  if (age < boundMs) return { state: base };
  const down = { since, ...(seen.holder !== undefined ? { holder: seen.holder } : {}) };
  if (pager !== node) return { state: { ...base, down: { ...down, leftTo: pager } }, leftTo: pager };
  return { state: { ...base, down }, raised: alertOf('firing', down, node, now, age) };
}

/** Each peer's tip and since when it is at it; a peer gone from the remote is forgotten. */
function watchPeers(
  before: SupervisorWatchState['peers'],
  tips: Readonly<Record<string, string>>,
  node: string,
  now: number,
): SupervisorWatchState['peers'] {
  const out: SupervisorWatchState['peers'] = {};
  for (const [name, sha] of Object.entries(tips)) {
    if (name === node) continue;
    const old = before[name];
    out[name] = { sha, since: old && old.sha === sha && old.since <= now ? old.since : now };
  }
  return out;
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
