import type { Alarm } from '../config/alarm-schema.js';
import { formatMinute } from './format.js';

/** What the adapters saw of an alarm's target; an absent entry means "could not look": the alarm waits. */
export type TargetState =
  | { kind: 'pipeline'; status: string }
  | { kind: 'pull'; state: 'open' | 'closed'; merged: boolean }
  | { kind: 'issue'; state: 'open' | 'closed' }
  | { kind: 'missing' };
export type ObservedTargets = Readonly<Record<string, TargetState>>;
export interface FiredAlarm {
  alarm: Alarm;
  reason: string;
}
export interface AlarmTarget {
  key: string;
  kind: 'pipeline' | 'pull' | 'issue';
  repo?: string;
  number: number;
}

/** Woodpecker's terminal pipeline states. */
export const PIPELINE_FINISHED = new Set(['success', 'failure', 'killed', 'error', 'declined', 'skipped']);

/** The key under which the adapters report an alarm's target ("*" stands for the factory's one CI repository). */
export function alarmTargetKey(a: Pick<Alarm, 'kind' | 'repo' | 'number'>): string {
  return `${a.kind}:${a.repo ?? '*'}#${a.number ?? 0}`;
}

/** What the adapters must look up this cycle, each target once. */
export function alarmTargets(alarms: readonly Alarm[]): AlarmTarget[] {
  const byKey = new Map<string, AlarmTarget>();
  for (const a of alarms) {
    if (a.kind === 'time' || a.number === undefined) continue;
    const t: AlarmTarget = { key: alarmTargetKey(a), kind: a.kind, number: a.number };
    if (a.repo !== undefined) t.repo = a.repo;
    byKey.set(t.key, t);
  }
  return [...byKey.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

export function describeAlarm(a: Alarm): string {
  const where = a.repo ? ` of ${a.repo}` : '';
  switch (a.kind) {
    case 'time':
      return `time ${formatMinute(Date.parse(a.at!))}`;
    case 'pipeline':
      return `pipeline #${a.number}${where} finishes`;
    case 'pull':
      return `PR #${a.number}${where} is merged or closed`;
    case 'issue':
      return `issue #${a.number}${where} is closed`;
  }
}

/** Fires the alarms whose condition holds; the rest remain, and the earliest time alarm says when to look next. */
export function evaluateAlarms(
  alarms: readonly Alarm[],
  observed: ObservedTargets,
  now: number,
): {
  fired: FiredAlarm[];
  remaining: Alarm[];
  nextWakeAt?: number;
} {
  const fired: FiredAlarm[] = [];
  const remaining: Alarm[] = [];
  for (const alarm of alarms) {
    const reason = firedReason(alarm, observed[alarmTargetKey(alarm)], now);
    if (reason === undefined) remaining.push(alarm);
    else fired.push({ alarm, reason });
  }
  const times = remaining.filter((a) => a.kind === 'time').map((a) => Date.parse(a.at!));
  return times.length > 0 ? { fired, remaining, nextWakeAt: Math.min(...times) } : { fired, remaining };
}

function firedReason(a: Alarm, seen: TargetState | undefined, now: number): string | undefined {
  const what = `${a.kind === 'pull' ? 'PR' : a.kind} #${a.number}${a.repo ? ` of ${a.repo}` : ''}`;
  if (a.kind === 'time') {
    const at = Date.parse(a.at!);
    return now >= at ? `time ${formatMinute(at)} reached` : undefined;
  }
  if (seen === undefined) return undefined;
  if (seen.kind === 'missing') return `${what} no longer exists`;
  if (seen.kind !== a.kind) return undefined;
  if (seen.kind === 'pipeline')
    return PIPELINE_FINISHED.has(seen.status) ? `${what} finished: ${seen.status}` : undefined;
  if (seen.kind === 'pull')
    return seen.state === 'closed' ? `${what} ${seen.merged ? 'merged' : 'closed without merging'}` : undefined;
  return seen.state === 'closed' ? `${what} closed` : undefined;
}
