import { formatMinute, formatSpan as formatDuration } from './format.js';
import { ACTIVITY_SIGNALS, describeQuiet, describeWork, type Activity, type ActivitySignal } from './activity.js';

/** One role's tuned interval; `quietSince` is absent while work is in flight. Times in epoch ms. */
export interface RoleSchedule {
  intervalMs: number;
  reason: string;
  since: number;
  quietSince?: number;
}
export interface ScheduleState {
  roles: Record<string, RoleSchedule>;
}
export interface RoleBounds {
  minMs: number;
  maxMs: number;
  initialMs?: number;
}
export interface ScheduleChange {
  role: string;
  /** Absent the first time a role is scheduled. */
  fromMs?: number;
  toMs: number;
  reason: string;
}
export interface TuneOptions {
  /** Quiet time needed before each back-off step, and between two steps. */
  quietStepMs: number;
  backoffFactor: number;
  /** Which signals count as work for a role (default: all of them, for every role). */
  signals?: Record<string, readonly ActivitySignal[]>;
}
export const DEFAULT_TUNE_OPTIONS: TuneOptions = { quietStepMs: 10 * 60_000, backoffFactor: 2 };
export const EMPTY_SCHEDULE: ScheduleState = { roles: {} };

/**
 * Fast attack, slow decay: any work snaps a role to its minimum at once; after each quiet step
 * its interval grows by the back-off factor, up to its maximum. Between two changes that are not
 * a snap to the minimum at least one quiet step passes, so thresholds cannot make it flap.
 */
export function tuneSchedule(
  prev: ScheduleState,
  activity: Activity,
  bounds: Record<string, RoleBounds>,
  now: number,
  options: Partial<TuneOptions> = {},
): { state: ScheduleState; changes: ScheduleChange[] } {
  const opts = { ...DEFAULT_TUNE_OPTIONS, ...options };
  const roles: Record<string, RoleSchedule> = {};
  const changes: ScheduleChange[] = [];
  for (const role of Object.keys(bounds).sort()) {
    const signals = opts.signals?.[role] ?? ACTIVITY_SIGNALS;
    const { next, change } = tuneRole(role, prev.roles[role], activity, signals, bounds[role]!, now, opts);
    roles[role] = next;
    if (change) changes.push(change);
  }
  return { state: { roles }, changes };
}

function tuneRole(
  role: string,
  prev: RoleSchedule | undefined,
  activity: Activity,
  signals: readonly ActivitySignal[],
  bounds: RoleBounds,
  now: number,
  opts: TuneOptions,
): { next: RoleSchedule; change?: ScheduleChange } {
  const min = Math.max(1, bounds.minMs);
  const max = Math.max(min, bounds.maxMs);
  const clamp = (ms: number) => Math.min(max, Math.max(min, ms));
  const current = clamp(prev?.intervalMs ?? bounds.initialMs ?? min);
  const work = describeWork(activity, signals);
  // Something moved between two looks (a PR opened and merged): as good a sign of work as an open one.
  const quietRef = prev ? prev.quietSince : now - opts.quietStepMs;
  const last = activity.lastActivityAt;
  const moved = last !== undefined && quietRef !== undefined && last > quietRef;

  let target = current;
  let quietSince: number | undefined;
  let why: string;
  if (work !== '') {
    quietSince = undefined;
    target = min;
    why = `work in flight (${work}): run every ${formatDuration(min)}, the minimum`;
  } else if (moved) {
    quietSince = Math.min(last, now);
    target = min;
    why = `activity at ${formatMinute(last)} since the last look: run every ${formatDuration(min)}, the minimum`;
  } else {
    quietSince = prev ? (prev.quietSince ?? now) : Math.min(last ?? now, now);
    const lastStep = Math.max(prev?.since ?? now, quietSince);
    const steps = Math.floor((now - lastStep) / opts.quietStepMs);
    if (steps >= 1 && current < max) target = clamp(current * opts.backoffFactor ** steps);
    why =
      `quiet for ${formatDuration(now - quietSince)} (${describeQuiet(signals)}): ` +
      `back off from ${formatDuration(current)} to ${formatDuration(target)}` +
      (target === max ? ', the maximum' : `, on the way to ${formatDuration(max)}`);
  }

  let reason: string | undefined;
  if (!prev)
    reason = `first schedule, ${target === current && work === '' && !moved ? `starting at ${formatDuration(target)} (${describeQuiet(signals)})` : why}`;
  else if (target !== prev.intervalMs) {
    reason =
      target === current
        ? `bounds are now ${formatDuration(min)} to ${formatDuration(max)}: ${formatDuration(prev.intervalMs)} becomes ${formatDuration(current)}`
        : why;
  }
  const next: RoleSchedule =
    reason === undefined
      ? { intervalMs: prev!.intervalMs, reason: prev!.reason, since: prev!.since }
      : { intervalMs: target, reason, since: now };
  if (quietSince !== undefined) next.quietSince = quietSince;
  if (reason === undefined) return { next };
  const change: ScheduleChange = { role, toMs: target, reason };
  if (prev) change.fromMs = prev.intervalMs;
  return { next, change };
}
