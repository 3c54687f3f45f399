// factory-state/alarms.yaml, written by `factoryctl alarm` and the supervisor: its one parse and its one render.
import { stringify } from 'yaml';
import { CONTROL_PATHS } from '../control-paths.js';
import { AlarmsFile, type Alarm } from '../config/alarm-schema.js';
import { mapParse, parseStateYaml, type StateParse } from '../config/parse-state.js';

export function parseAlarmsYaml(text: string | undefined): StateParse<Alarm[]> {
  return mapParse(parseStateYaml(CONTROL_PATHS.alarms, text, AlarmsFile), (file) => file.alarms);
}

const KEY_ORDER: (keyof Alarm)[] = ['id', 'kind', 'repo', 'number', 'at', 'command', 'note', 'createdBy', 'createdAt'];

/** alarms.yaml text; the same alarms always give the same bytes, so an unchanged file is not rewritten. */
export function renderAlarmsYaml(alarms: readonly Alarm[]): string {
  const ordered = alarms.map((a) =>
    Object.fromEntries(KEY_ORDER.filter((k) => a[k] !== undefined).map((k) => [k, a[k]])),
  );
  return `# Written by factoryctl (alarm add/rm, and the supervisor when an alarm fires).\n${stringify({ alarms: ordered }, { lineWidth: 0 })}`;
}
