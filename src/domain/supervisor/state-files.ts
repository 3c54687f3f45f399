import type { ConfigProblem } from '../../errors.js';
import type { Alarm } from '../config/alarm-schema.js';
import type { AlertsFile } from '../config/alerts-file-schema.js';
import { parseAlertsYaml } from '../alerts/alerts-file.js';
import type { StateParse } from '../config/parse-state.js';
import type { Override, SupervisorHalt } from '../config/state-schema.js';
import { CONTROL_PATHS } from '../control-paths.js';
import { parseOverridesYaml } from '../overrides-file.js';
import { parseAssignmentsYaml, type Assignments } from '../placement/assignments-file.js';
import { parseAlarmsYaml } from './alarms-file.js';
import { parseHaltsYaml } from './halts-file.js';
import { parseScheduleYaml } from './schedule-file.js';
import { EMPTY_SCHEDULE, type ScheduleState } from './schedule-tune.js';

/** How every commit of the supervisor's begins (push-wake.ts tells its own pushes by it). */
export const SUPERVISOR_SUBJECT_PREFIX = 'supervisor: ';

/** The files of factory-state/ a supervisor cycle reads (from the one table); it writes all but overrides.yaml. */
export const STATE_PATHS = {
  schedule: CONTROL_PATHS.schedule,
  halts: CONTROL_PATHS.halts,
  alarms: CONTROL_PATHS.alarms,
  status: CONTROL_PATHS.status,
  overrides: CONTROL_PATHS.overrides,
  assignments: CONTROL_PATHS.assignments,
  alerts: CONTROL_PATHS.alerts,
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
  /** Absent when the file does not parse: placement then writes nothing (it is never overwritten blindly). */
  assignments?: Assignments;
  /** Absent when the file does not parse: alerts are then not evaluated (its silences and outbox are kept). */
  alerts?: AlertsFile;
  problems: ConfigProblem[];
}

export function readStateSnapshot(texts: ReadonlyMap<string, string | undefined>): StateSnapshot {
  const problems: ConfigProblem[] = [];
  const text = (p: StatePath) => texts.get(p);
  const value = <T>(parsed: StateParse<T>): T | undefined => {
    if (parsed.ok) return parsed.value;
    problems.push(...parsed.problems);
    return undefined;
  };
  const schedule = value(parseScheduleYaml(text(STATE_PATHS.schedule)));
  const halts = value(parseHaltsYaml(text(STATE_PATHS.halts)));
  const alarms = value(parseAlarmsYaml(text(STATE_PATHS.alarms)));
  const overrides = value(parseOverridesYaml(text(STATE_PATHS.overrides)));
  const assignments = value(parseAssignmentsYaml(text(STATE_PATHS.assignments)));
  const alerts = value(parseAlertsYaml(text(STATE_PATHS.alerts)));
  const snapshot: StateSnapshot = {
    texts: Object.fromEntries(STATE_PATH_LIST.filter((p) => text(p) !== undefined).map((p) => [p, text(p)!])),
    // The supervisor is schedule.yaml's one writer: an unreadable one is rebuilt, not kept.
    schedule: schedule ?? EMPTY_SCHEDULE,
    overrides: overrides ?? [],
    problems,
  };
  if (halts) snapshot.halts = halts;
  if (alarms) snapshot.alarms = alarms;
  if (assignments) snapshot.assignments = assignments;
  if (alerts) snapshot.alerts = alerts;
  return snapshot;
}
