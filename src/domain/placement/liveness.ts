// Is a node there? Judged on the observer's own monotonic clock only: how long since it saw the
// node's telemetry sha change. Two machines' wall clocks are never compared, so a node whose clock
// runs ahead or behind is classed the same as any other.
import { formatDuration } from '../duration.js';

/** ready: takes new work; suspect: keeps its slots, gets no new ones; down: its slots move. */
export type LivenessClass = 'ready' | 'suspect' | 'down';

export interface NodeSighting {
  node: string;
  /** Observer's monotonic ms when it last saw this node's telemetry sha change; absent: not since it began watching. */
  changedAtMs?: number;
  /** How often the node commits telemetry even when nothing changed (factory.yaml telemetry.heartbeat). */
  heartbeatMs: number;
  /** The node has an SSH address, so it can be asked before it is called down. */
  canProbe: boolean;
  /** Its answer to `status` over SSH, when it was asked. */
  probe?: 'answered' | 'no-answer';
}

export interface LivenessPolicy {
  /** Missed heartbeats before a node is suspect. */
  suspectAfterBeats: number;
  /** Missed heartbeats before it is down... */
  downAfterBeats: number;
  /** ...and never sooner than this, however fast it beats. */
  downAfterMinMs: number;
  /** After the observer takes the lead, no node is called down for this long: its view may be new or stale. */
  leaderGraceMs: number;
}

export const DEFAULT_LIVENESS: LivenessPolicy = {
  suspectAfterBeats: 3,
  downAfterBeats: 10,
  downAfterMinMs: 120_000,
  leaderGraceMs: 120_000,
};

export interface ObserverClock {
  /** Now, on the observer's monotonic clock. */
  nowMs: number;
  /** When it began watching telemetry: a node not seen to change since is as old as the watch. */
  watchingSinceMs: number;
  /** When it became leader; absent: it is not (no grace: a standby's classes are only shown). */
  leaderSinceMs?: number;
}

export interface NodeLiveness {
  node: string;
  class: LivenessClass;
  reason: string;
  /** Time since the observer saw its telemetry change. */
  silentMs: number;
  /** Ask it `status` over SSH, then classify again: the answer alone stands between it and down. */
  probe: boolean;
}

export function suspectAfterMs(heartbeatMs: number, policy: LivenessPolicy = DEFAULT_LIVENESS): number {
  return policy.suspectAfterBeats * heartbeatMs;
}

export function downAfterMs(heartbeatMs: number, policy: LivenessPolicy = DEFAULT_LIVENESS): number {
  return Math.max(policy.downAfterBeats * heartbeatMs, policy.downAfterMinMs, suspectAfterMs(heartbeatMs, policy));
}

/** Each node's class and why, by name. */
export function classifyNodes(
  sightings: readonly NodeSighting[],
  clock: ObserverClock,
  policy: LivenessPolicy = DEFAULT_LIVENESS,
): NodeLiveness[] {
  return [...sightings].sort((a, b) => (a.node < b.node ? -1 : 1)).map((s) => classifyNode(s, clock, policy));
}

export function classifyNode(
  s: NodeSighting,
  clock: ObserverClock,
  policy: LivenessPolicy = DEFAULT_LIVENESS,
): NodeLiveness {
  const since = s.changedAtMs ?? clock.watchingSinceMs;
  const silentMs = Math.max(0, clock.nowMs - since);
  const silent =
    s.changedAtMs === undefined
      ? `no telemetry change seen in ${formatDuration(silentMs)} of watching`
      : `no telemetry change for ${formatDuration(silentMs)}`;
  const missed = Math.floor(silentMs / s.heartbeatMs);
  const out = (cls: LivenessClass, reason: string, probe = false): NodeLiveness => ({
    node: s.node,
    class: cls,
    reason,
    silentMs,
    probe,
  });
  if (silentMs < suspectAfterMs(s.heartbeatMs, policy))
    return out('ready', `telemetry ${formatDuration(silentMs)} ago (heartbeat ${formatDuration(s.heartbeatMs)})`);
  const down = downAfterMs(s.heartbeatMs, policy);
  if (silentMs < down) return out('suspect', `${silent} (${missed} heartbeats missed): no new work`);
  if (s.probe === 'answered') return out('suspect', `cannot push: answers status over SSH, but ${silent}`);
  const led = clock.leaderSinceMs === undefined ? undefined : clock.nowMs - clock.leaderSinceMs;
  if (led !== undefined && led < policy.leaderGraceMs)
    return out(
      'suspect',
      `${silent}, past ${formatDuration(down)}, but leader for only ${formatDuration(led)} (grace ${formatDuration(policy.leaderGraceMs)}): not called down yet`,
    );
  if (s.canProbe && s.probe === undefined)
    return out('suspect', `${silent}, past ${formatDuration(down)}: asking it over SSH before calling it down`, true);
  const asked = s.canProbe ? ', no answer over SSH' : ', no SSH address to ask';
  return out('down', `${silent} (past ${formatDuration(down)})${asked}: its slots move`);
}
