import type { Alarm } from '../config/alarm-schema.js';
import { formatMinute, formatSpan } from './format.js';

export interface Wake {
  at: number;
  reason: string;
}

/**
 * When the supervisor looks next: its tuned interval, unless an alarm needs it sooner (a time
 * alarm at its time by the forge's clock, `clockOffsetMs` ahead of ours; any alarm on a pipeline,
 * PR or issue within one alarm-poll period).
 */
export function nextWake(
  tunedIntervalMs: number,
  alarms: readonly Alarm[],
  alarmPollMs: number,
  now: number,
  clockOffsetMs = 0,
): Wake {
  let wake: Wake = { at: now + tunedIntervalMs, reason: `tuned interval of ${formatSpan(tunedIntervalMs)}` };
  const consider = (candidate: Wake) => {
    if (candidate.at < wake.at) wake = candidate;
  };
  const watching = alarms.filter((a) => a.kind !== 'time');
  if (watching.length > 0) {
    consider({
      at: now + alarmPollMs,
      reason: `${watching.length} alarm${watching.length === 1 ? '' : 's'} polled every ${formatSpan(alarmPollMs)}`,
    });
  }
  for (const a of alarms) {
    if (a.kind !== 'time' || a.at === undefined) continue;
    const at = Math.max(now, Date.parse(a.at) - clockOffsetMs);
    consider({ at, reason: `alarm ${a.id} at ${formatMinute(Date.parse(a.at))}` });
  }
  return wake;
}
