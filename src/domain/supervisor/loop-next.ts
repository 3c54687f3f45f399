// The supervisor daemon's reducer: (state, what a step found) -> the next state, the lines to log,
// and the wake to record for `status` (the one this loop will really keep: back-off, alarm polls).
import type { Alarm } from '../config/alarm-schema.js';
import { ALERT_WAKE_REASON } from './cycle-alerts.js';
import { formatSpan } from './format.js';
import { leaseLookAt, type LeaseRole } from './lease-term.js';
import type { LoopPolicy, LoopState } from './loop-step.js';
import { nextWake, type Wake } from './next-wake.js';

/** What a step found. */
export type StepFinding =
  | {
      kind: 'cycle';
      ok: true;
      intervalMs: number;
      /** when an alert may be sent: the next full cycle comes then if sooner than the interval */
      alertAt?: number;
      alarms: readonly Alarm[];
      role: LeaseRole;
      /** the forge's clock less ours: time alarms are due by the forge's clock */
      clockOffsetMs?: number;
    }
  | { kind: 'cycle'; ok: false; failure: 'transient' | 'terminal' }
  | { kind: 'lease'; role: LeaseRole }
  /** `role`: as this supervisor's own clock judges what it last saw (lease-term.ts roleUnseen) */
  | { kind: 'lease'; error: string; role?: LeaseRole }
  | { kind: 'poll'; due: readonly string[]; alarms: readonly Alarm[] }
  | { kind: 'poll'; error: string };
/** ... and when: `startedAt` and `endedAt` are the loop's clock around the step's I/O. */
export type StepOutcome = StepFinding & { startedAt: number; endedAt: number };
export interface LoopNext {
  state: LoopState;
  log: string[];
  /** absent: nothing new to record */
  record?: Wake;
}

export const BACKOFF_BASE_MS = 5_000;
export const POLL_WAKE_REASON = 'pending alarms or new ones looked at (supervisor.alarmPoll)';
export const WATCH_WAKE_REASON = 'standby: a look at the lease, nothing else';
/** An alert due before the cycle ended waits this long after it: never a cycle right on top of another. */
export const ALERT_WAKE_FLOOR_MS = 100;

export function nextLoopState(state: LoopState, o: StepOutcome, policy: LoopPolicy): LoopNext {
  const log: string[] = [];
  const tuned = (s: LoopState) => `tuned interval of ${formatSpan(s.intervalMs)}`;
  if (o.kind === 'cycle' && o.ok) {
    const { wake: _done, ...rest } = state;
    const alertAt = o.alertAt === undefined ? Infinity : Math.max(o.alertAt, o.endedAt + ALERT_WAKE_FLOOR_MS);
    const fullAt = Math.min(o.endedAt + o.intervalMs, alertAt);
    const next: LoopState = {
      ...rest,
      failures: 0,
      intervalMs: o.intervalMs,
      fullAt,
      pollAt: pollAfter(o.alarms, fullAt, o.endedAt, policy.alarmPollMs, o.clockOffsetMs),
      leaseAt: leaseLookAt(o.role, policy.lease, o.endedAt),
    };
    if (o.clockOffsetMs !== undefined) next.clockOffsetMs = o.clockOffsetMs;
    next.watching = watched(state.watching, o.alarms, log);
    setLeading(next, o.role, log);
    const early = fullAt === alertAt && alertAt < o.endedAt + o.intervalMs;
    if (early) next.fullReason = ALERT_WAKE_REASON;
    else delete next.fullReason;
    const why = early ? ALERT_WAKE_REASON : tuned(next);
    return { state: watchOnly(next, o.role), log, record: recorded(watchOnly(next, o.role), why) };
  }
  if (o.kind === 'cycle') {
    const { wake: _done, fullReason: _alert, ...rest } = state;
    const failures = state.failures + 1;
    const backoff = Math.min(state.intervalMs, BACKOFF_BASE_MS * 2 ** (failures - 1));
    const next: LoopState = { ...rest, failures, fullAt: o.endedAt + backoff };
    log.push(`retrying in ${formatSpan(backoff)} (${failures} failed in a row)`);
    return {
      state: next,
      log,
      record: recorded(next, `retry after ${failures} failed cycle${failures === 1 ? '' : 's'} (${o.failure})`),
    };
  }
  if (o.kind === 'lease') {
    if ('error' in o) {
      log.push(`lease: ${o.error} (transient: looked at again in a few seconds)`);
      // A leader that cannot renew looks again by the time its term would lapse, so that it says so then.
      const lapse = o.role?.kind === 'leader' ? Math.max(o.endedAt, o.role.lease.expiresAt) : Infinity;
      const next: LoopState = { ...state, leaseAt: Math.min(o.endedAt + BACKOFF_BASE_MS, lapse) };
      if (!o.role) return { state: next, log };
      setLeading(next, o.role, log);
      return { state: watchOnly(next, o.role), log, record: recorded(watchOnly(next, o.role), tuned(next)) };
    }
    const next: LoopState = { ...state, leaseAt: leaseLookAt(o.role, policy.lease, o.endedAt) };
    if (o.role.kind === 'leader' && o.role.acquired) next.wake = `took over the lease: ${o.role.note}`;
    else if (o.role.kind === 'leader' && state.fullAt === Infinity) next.wake = `leading again: ${o.role.note}`;
    setLeading(next, o.role, log);
    return { state: watchOnly(next, o.role), log, record: recorded(watchOnly(next, o.role), tuned(next)) };
  }
  const next: LoopState = { ...state };
  if ('error' in o) log.push(`alarm poll failed (transient, next poll as usual): ${o.error}`);
  else {
    if (o.due.length > 0) next.wake = `alarm ${o.due.join(', ')} due`;
    next.watching = watched(state.watching, o.alarms, log);
  }
  // Polls keep their cadence: counted from the poll's start.
  next.pollAt = pollAfter(
    'error' in o ? [] : o.alarms,
    state.fullAt,
    o.startedAt,
    policy.alarmPollMs,
    state.clockOffsetMs,
  );
  return { state: next, log, record: recorded(next, tuned(next)) };
}

/**
 * Pending alarms are looked at every alarmPoll. With none pending the control repo alone is
 * pulled (no API call) every 4 polls, to see alarms added meanwhile; a push webhook is instant.
 */
export function pollAfter(
  alarms: readonly Alarm[],
  nextFull: number,
  now: number,
  pollMs: number,
  clockOffsetMs?: number,
): number {
  const wake = nextWake(Math.max(0, nextFull - now), alarms, pollMs, now, clockOffsetMs).at;
  return alarms.length > 0 ? wake : Math.min(wake, now + 4 * pollMs);
}

/**
 * A standby watches the lease and nothing else: no full cycle, no alarm poll (only the leader
 * fires alarms; a standby that polled one overdue by its clock would cycle without end), no
 * request to a forge, until a look at the lease makes it the leader.
 */
function watchOnly(s: LoopState, role: LeaseRole): LoopState {
  if (role.kind !== 'standby') return s;
  const { wake: _dropped, ...rest } = s;
  return { ...rest, fullAt: Infinity, pollAt: Infinity };
}

function recorded(s: LoopState, fullReason: string): Wake {
  if (s.fullAt === Infinity && s.pollAt === Infinity) return { at: s.leaseAt, reason: WATCH_WAKE_REASON };
  const at = Math.min(s.fullAt, s.pollAt);
  return { at, reason: at === s.fullAt ? fullReason : POLL_WAKE_REASON };
}

/** Logs the alarms being watched when the set changes; returns the new set's key. */
function watched(before: string, alarms: readonly Alarm[], log: string[]): string {
  const key = alarms
    .map((a) => a.id)
    .sort()
    .join(', ');
  if (key !== before)
    log.push(
      alarms.length === 0
        ? 'no alarms pending'
        : `watching ${alarms.length} alarm${alarms.length === 1 ? '' : 's'}: ${key}`,
    );
  return key;
}

/** Logs each change of role once: a standby says it commits nothing. Solo says nothing and changes nothing. */
function setLeading(s: LoopState, role: LeaseRole, log: string[]): void {
  if (role.kind === 'solo') return;
  const isLeader = role.kind === 'leader';
  if (isLeader !== s.leading)
    log.push(
      isLeader
        ? `leader: ${role.note}`
        : `standby: ${role.note}; observing only, committing nothing until the lease expires`,
    );
  s.leading = isLeader;
}
