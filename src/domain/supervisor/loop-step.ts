// The supervisor daemon's wake policy as data: what it carries between steps, and what it does next.
import { parseDuration } from '../duration.js';
import { SupervisorConfig } from '../config/supervisor-schema.js';
import { formatSpan } from './format.js';
import { leasePolicy, type LeasePolicy } from './lease.js';

export interface LoopState {
  /** the next full cycle: the tuned interval after a good one, a back-off after a failed one */
  fullAt: number;
  /** the next look at pending alarms (Infinity before the first cycle) */
  pollAt: number;
  /** the next look at the lease: to renew it, or to take it over (Infinity when there is no lease) */
  leaseAt: number;
  /** failed cycles in a row */
  failures: number;
  /** the supervisor's tuned interval as the last good cycle planned it */
  intervalMs: number;
  /** why the next full cycle comes at fullAt when it is not the tuned interval (an alert may be sent) */
  fullReason?: string;
  /** a full cycle to run at once, and why (this supervisor took the lease, an alarm is due) */
  wake?: string;
  /** the alarms being watched, as last logged */
  watching: string;
  /** the role as last logged: undefined before any lease was seen, or without one */
  leading?: boolean;
  /** the forge's clock less ours, as last measured: time alarms are due by the forge's clock */
  clockOffsetMs?: number;
}
export interface LoopPolicy {
  alarmPollMs: number;
  lease: LeasePolicy;
}
export type LoopStep =
  { kind: 'cycle'; reason: string } | { kind: 'lease' } | { kind: 'poll' } | { kind: 'sleep'; until: number };

/** Until the first cycle has loaded a config, the tuned interval is taken as a minute. */
const FIRST_INTERVAL_MS = 60_000;

/** A loop's start: a full cycle at once, nothing else known yet. */
export function initialLoopState(now: number): LoopState {
  return { fullAt: now, pollAt: Infinity, leaseAt: Infinity, failures: 0, intervalMs: FIRST_INTERVAL_MS, watching: '' };
}

/** The loop's policy from the last good config; before any, the schema's defaults. */
export function loopPolicy(supervisor: SupervisorConfig | undefined): LoopPolicy {
  const s = supervisor ?? SupervisorConfig.parse({});
  return { alarmPollMs: parseDuration(s.alarmPoll), lease: leasePolicy(s) };
}

/** A standby heeds no webhook or signal: it watches the lease and nothing else (loop-next.ts watchOnly). */
export function heedsWakes(state: LoopState): boolean {
  return state.leading !== false;
}

/**
 * The next step: a cycle someone asked for (the loop itself first, then a webhook or a signal),
 * a cycle that is due, a look at the lease, a poll of pending alarms, or a sleep until the first of them.
 */
export function decideLoopStep(state: LoopState, now: number, woken?: string): LoopStep {
  const reason = state.wake ?? (heedsWakes(state) ? woken : undefined);
  if (reason !== undefined) return { kind: 'cycle', reason };
  if (now >= state.fullAt)
    return { kind: 'cycle', reason: state.fullReason ?? `tuned interval of ${formatSpan(state.intervalMs)}` };
  if (now >= state.leaseAt) return { kind: 'lease' };
  if (now >= state.pollAt) return { kind: 'poll' };
  return { kind: 'sleep', until: Math.min(state.fullAt, state.pollAt, state.leaseAt) };
}
