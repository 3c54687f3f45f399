import type { ConfigProblem } from '../../errors.js';
import { AlarmsFile as AlarmsSchema, type Alarm } from '../config/alarm-schema.js';
import { parseYamlWithSchema } from '../config/parse-yaml.js';
import { ScheduleFile as ScheduleSchema, type ScheduleFile } from '../config/schedule-schema.js';
import { HaltsFile as HaltsSchema, OverridesFile as OverridesSchema, type Override, type SupervisorHalt } from '../config/state-schema.js';
import { scheduleStateFromFile } from './schedule-file.js';
import { EMPTY_SCHEDULE, type ScheduleState } from './schedule-tune.js';

/** The files of factory-state/ a supervisor cycle reads; it writes all but overrides.yaml. */
export const STATE_PATHS = {
  schedule: 'factory-state/schedule.yaml',
  halts: 'factory-state/halts.yaml',
  alarms: 'factory-state/alarms.yaml',
  status: 'factory-state/STATUS.md',
  overrides: 'factory-state/overrides.yaml',
} as const;
export type StatePath = (typeof STATE_PATHS)[keyof typeof STATE_PATHS];
export const STATE_PATH_LIST: StatePath[] = Object.values(STATE_PATHS);

/** factory-state/ as read at one commit. A file that does not parse is `undefined` and reported: it is never overwritten blindly. */
export interface StateSnapshot {
  texts: Partial<Record<StatePath, string>>;
  schedule: ScheduleState;
  halts?: SupervisorHalt[];
  alarms?: Alarm[];
  overrides: Override[];
  problems: ConfigProblem[];
}

export function readStateSnapshot(texts: ReadonlyMap<string, string | undefined>): StateSnapshot {
  const problems: ConfigProblem[] = [];
  const text = (p: StatePath) => texts.get(p);
  const parse = <T>(path: StatePath, schema: Parameters<typeof parseYamlWithSchema>[2], fallback: T): T | undefined => {
    const t = text(path);
    if (t === undefined || t.trim() === '') return fallback;
    const r = parseYamlWithSchema(path, t, schema);
    if (r.ok) return r.value as T;
    problems.push(...r.problems.filter((p) => p.severity === 'error'));
    return undefined;
  };
  const schedule = parse<ScheduleFile>(STATE_PATHS.schedule, ScheduleSchema, { roles: {} });
  const halts = parse<HaltsFile>(STATE_PATHS.halts, HaltsSchema, { halts: [] });
  const alarms = parse<AlarmsFile>(STATE_PATHS.alarms, AlarmsSchema, { alarms: [] });
  const overrides = parse<OverridesFile>(STATE_PATHS.overrides, OverridesSchema, { overrides: [] });
  const snapshot: StateSnapshot = {
    texts: Object.fromEntries(STATE_PATH_LIST.filter((p) => text(p) !== undefined).map((p) => [p, text(p)!])),
    // The supervisor is schedule.yaml's one writer: an unreadable one is rebuilt, not kept.
    schedule: schedule ? scheduleStateFromFile(schedule) : EMPTY_SCHEDULE,
    overrides: overrides?.overrides ?? [],
    problems,
  };
  if (halts) snapshot.halts = halts.halts;
  if (alarms) snapshot.alarms = alarms.alarms;
  return snapshot;
}

type HaltsFile = { halts: SupervisorHalt[] };
type AlarmsFile = { alarms: Alarm[] };
type OverridesFile = { overrides: Override[] };
