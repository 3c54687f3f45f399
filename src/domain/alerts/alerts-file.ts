// factory-state/alerts.yaml: its one parse and its one render.
import { stringify } from 'yaml';
import { CONTROL_PATHS } from '../control-paths.js';
import { AlertsFile } from '../config/alerts-file-schema.js';
import { parseStateYaml, type StateParse } from '../config/parse-state.js';

export const EMPTY_ALERTS: AlertsFile = { alerts: [], groups: [], silences: [], outbox: [] };

export function parseAlertsYaml(text: string | undefined): StateParse<AlertsFile> {
  return parseStateYaml(CONTROL_PATHS.alerts, text, AlertsFile);
}

/** The same state always gives the same bytes, so an unchanged file is not rewritten. */
export function renderAlertsYaml(file: AlertsFile): string {
  const body: Record<string, unknown> = {
    alerts: file.alerts,
    groups: file.groups,
    silences: file.silences,
    outbox: file.outbox,
  };
  if (file.lease) body.lease = file.lease;
  return `# Written by the leader supervisor (and \`factoryctl alerts silence\`): alert state, silences, outbox.\n${stringify(body, { lineWidth: 0 })}`;
}
