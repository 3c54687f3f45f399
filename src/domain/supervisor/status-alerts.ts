// STATUS.md's "Firing alerts": what fires, since when, where it went (or why it was not sent).
import type { AlertRecord } from '../config/alerts-file-schema.js';
import { formatMinute } from './format.js';

type Table = (head: string[], rows: string[][]) => string[];

/** The section's lines; none while nothing fires, so a quiet factory's page stays as it was. */
export function firingAlertsSection(alerts: readonly AlertRecord[] | undefined, table: Table): string[] {
  const firing = (alerts ?? [])
    .filter((a) => a.status === 'firing')
    .sort((a, b) =>
      a.severity === b.severity ? (a.groupKey < b.groupKey ? -1 : 1) : a.severity < b.severity ? -1 : 1,
    );
  if (firing.length === 0) return [];
  return [
    '## Firing alerts',
    '',
    ...table(
      ['alert', 'severity', 'about', 'since', 'sent to', 'fingerprint'],
      firing.map((a) => [
        `${a.name}: ${a.summary}`,
        a.severity,
        Object.entries(a.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
        formatMinute(Date.parse(a.startsAt ?? a.firstSeen)),
        a.mutedBy
          ? `not sent: ${a.mutedBy}`
          : a.sentTo.length
            ? a.sentTo.join(', ')
            : a.lastSentAt
              ? 'no receiver'
              : 'waiting (group_wait)',
        `\`${a.fingerprint}\``,
      ]),
    ),
    '',
    'Silence one with `factoryctl alerts silence <fingerprint|label=value> --until T --reason R`.',
    '',
  ];
}
