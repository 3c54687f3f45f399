import type { Alarm } from '../config/alarm-schema.js';
import { CONTROL_PATHS } from '../control-paths.js';
import { describeAlarm } from './alarms-evaluate.js';
import { renderAlarmsYaml } from './alarms-file.js';

export { renderAlarmsYaml };

export type AlarmSpec = Omit<Alarm, 'id'> & { id?: string };

/** A stable id derived from what the alarm watches, so adding the same alarm twice is a no-op. */
export function alarmId(a: Pick<Alarm, 'kind' | 'repo' | 'number' | 'at'>): string {
  const repo = a.repo ? `${a.repo.replace('/', '-')}-` : '';
  const raw =
    a.kind === 'time' ? `time-${(a.at ?? '').replace(/[^0-9TZtz]/g, '')}` : `${a.kind}-${repo}${a.number ?? 0}`;
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .slice(0, 100);
}

/** Adds an alarm unless one with the same id is already set (an "ensure": safe to repeat). */
export function addAlarm(alarms: readonly Alarm[], spec: AlarmSpec): { alarms: Alarm[]; added: boolean; alarm: Alarm } {
  const alarm = { ...spec, id: spec.id ?? alarmId(spec) } as Alarm;
  const existing = alarms.find((a) => a.id === alarm.id);
  if (existing) return { alarms: [...alarms], added: false, alarm: existing };
  return { alarms: [...alarms, alarm], added: true, alarm };
}

export function removeAlarms(alarms: readonly Alarm[], ids: readonly string[]): { alarms: Alarm[]; removed: Alarm[] } {
  const drop = new Set(ids);
  return { alarms: alarms.filter((a) => !drop.has(a.id)), removed: alarms.filter((a) => drop.has(a.id)) };
}

type StateCommit = { changes: Record<string, string>; message: string } | null;

/** `alarm add` as a change of alarms.yaml: none when the alarm is already set. */
export function alarmAddCommit(
  current: readonly Alarm[],
  spec: AlarmSpec,
): { alarm: Alarm; added: boolean; commit: StateCommit } {
  const r = addAlarm(current, spec);
  const message = `alarm add ${r.alarm.id}: ${describeAlarm(r.alarm)}${r.alarm.note ? ` (${r.alarm.note})` : ''}`;
  return {
    alarm: r.alarm,
    added: r.added,
    commit: r.added ? { changes: { [CONTROL_PATHS.alarms]: renderAlarmsYaml(r.alarms) }, message } : null,
  };
}

/** `alarm rm` as a change of alarms.yaml: none unless every id names a pending alarm. */
export function alarmRemoveCommit(
  current: readonly Alarm[],
  ids: readonly string[],
): { missing: string[]; commit: StateCommit } {
  const r = removeAlarms(current, ids);
  const missing = ids.filter((id) => !r.removed.some((a) => a.id === id));
  return {
    missing,
    commit:
      missing.length === 0
        ? { changes: { [CONTROL_PATHS.alarms]: renderAlarmsYaml(r.alarms) }, message: `alarm rm ${ids.join(' ')}` }
        : null,
  };
}
