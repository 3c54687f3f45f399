// factory-state/schedule.yaml, the supervisor's tuned intervals: its one parse and its one render.
import { stringify } from 'yaml';
import { CONTROL_PATHS } from '../control-paths.js';
import { parseDuration } from '../duration.js';
import type { FactoryConfig } from '../config/factory-schema.js';
import { mapParse, parseStateYaml, type StateParse } from '../config/parse-state.js';
import { ScheduleFile, type ScheduleEntry } from '../config/schedule-schema.js';
import { formatExact, toIso } from './format.js';
import type { RoleBounds, RoleSchedule, ScheduleState } from './schedule-tune.js';

export const SUPERVISOR_ROLE = 'supervisor';

export function scheduleFileFromState(state: ScheduleState): ScheduleFile {
  const roles: Record<string, ScheduleEntry> = {};
  for (const role of Object.keys(state.roles).sort()) {
    const r = state.roles[role]!;
    const entry: ScheduleEntry = { interval: formatExact(r.intervalMs), reason: r.reason, since: toIso(r.since) };
    if (r.quietSince !== undefined) entry.quietSince = toIso(r.quietSince);
    roles[role] = entry;
  }
  return { roles };
}

export function scheduleStateFromFile(file: ScheduleFile): ScheduleState {
  const roles: Record<string, RoleSchedule> = {};
  for (const [role, e] of Object.entries(file.roles)) {
    const r: RoleSchedule = {
      intervalMs: e.intervalMs ?? parseDuration(e.interval!),
      reason: e.reason,
      since: Date.parse(e.since),
    };
    if (e.quietSince !== undefined) r.quietSince = Date.parse(e.quietSince);
    roles[role] = r;
  }
  return { roles };
}

export function parseScheduleYaml(text: string | undefined): StateParse<ScheduleState> {
  return mapParse(parseStateYaml(CONTROL_PATHS.schedule, text, ScheduleFile), scheduleStateFromFile);
}

/** schedule.yaml text: sorted roles, fixed key order, exact durations: the same state always gives the same bytes. */
export function renderScheduleYaml(state: ScheduleState): string {
  return `# Written by the leader supervisor when an interval changes; edit factory.yaml (roles.*.schedule) instead.\n${stringify(scheduleFileFromState(state), { lineWidth: 0 })}`;
}

/** The bounds of every scheduled role from factory.yaml, the supervisor's own from supervisor.interval. */
export function scheduleBounds(config: Pick<FactoryConfig, 'roles' | 'supervisor'>): Record<string, RoleBounds> {
  const bounds: Record<string, RoleBounds> = {};
  for (const [role, rc] of Object.entries(config.roles)) {
    if (!rc.schedule) continue;
    const b: RoleBounds = { minMs: parseDuration(rc.schedule.min), maxMs: parseDuration(rc.schedule.max) };
    if (rc.schedule.initial !== undefined) b.initialMs = parseDuration(rc.schedule.initial);
    bounds[role] = b;
  }
  bounds[SUPERVISOR_ROLE] = {
    minMs: parseDuration(config.supervisor.interval.min),
    maxMs: parseDuration(config.supervisor.interval.max),
  };
  return bounds;
}
