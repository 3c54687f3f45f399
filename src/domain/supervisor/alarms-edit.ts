import { stringify } from 'yaml';
import type { Alarm } from '../config/alarm-schema.js';

export type AlarmSpec = Omit<Alarm, 'id'> & { id?: string };

/** A stable id derived from what the alarm watches, so adding the same alarm twice is a no-op. */
export function alarmId(a: Pick<Alarm, 'kind' | 'repo' | 'number' | 'at'>): string {
  const repo = a.repo ? `${a.repo.replace('/', '-')}-` : '';
  const raw = a.kind === 'time' ? `time-${(a.at ?? '').replace(/[^0-9TZtz]/g, '')}` : `${a.kind}-${repo}${a.number ?? 0}`;
  return raw.toLowerCase().replace(/[^a-z0-9._-]/g, '-').slice(0, 100);
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

const KEY_ORDER: (keyof Alarm)[] = ['id', 'kind', 'repo', 'number', 'at', 'command', 'note', 'createdBy', 'createdAt'];

/** alarms.yaml text; the same alarms always give the same bytes, so an unchanged file is not rewritten. */
export function renderAlarmsYaml(alarms: readonly Alarm[]): string {
  const ordered = alarms.map((a) => Object.fromEntries(KEY_ORDER.filter((k) => a[k] !== undefined).map((k) => [k, a[k]])));
  return `# Written by factoryctl (alarm add/rm, and the supervisor when an alarm fires).\n${stringify({ alarms: ordered }, { lineWidth: 0 })}`;
}
