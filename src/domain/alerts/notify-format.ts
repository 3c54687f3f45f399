// How a notification reads on a phone (ntfy), in a forge issue and in its comments: text only, no I/O.
import type { AlertSeverity, AlertView, Notification } from '../config/alerts-state-schema.js';

const RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };
/** ntfy's 1..5: an urgent page for critical, high for a warning, default for the rest and every resolved. */
const PRIORITY: Record<AlertSeverity, number> = { critical: 5, warning: 4, info: 3 };
const TAG: Record<AlertSeverity, string> = {
  critical: 'rotating_light',
  warning: 'warning',
  info: 'information_source',
};

export function worstSeverity(alerts: readonly Pick<AlertView, 'severity'>[]): AlertSeverity {
  return alerts.reduce<AlertSeverity>((w, a) => (RANK[a.severity] < RANK[w] ? a.severity : w), 'info');
}

export function notificationTitle(n: Notification): string {
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const head = n.status === 'firing' ? `[FIRING${firing > 1 ? `:${firing}` : ''}]` : '[RESOLVED]';
  const first = n.alerts[0];
  const what = n.alerts.length === 1 && first ? first.summary : `${n.alerts.length} alerts: ${n.groupKey}`;
  return `${head} ${what}`;
}

export function notificationText(n: Notification): string {
  return n.alerts
    .map((a) => `${a.status === 'firing' ? '●' : '✓'} ${a.summary}${a.description ? `\n${a.description}` : ''}`)
    .join('\n\n');
}

export interface NtfyMessage {
  headers: { Title: string; Priority: string; Tags: string };
  body: string;
}

/** HTTP header values are Latin-1: anything else is dropped from the headers (the body keeps it). */
const latin1 = (s: string) => s.replace(/[^\x20-\x7e\xa0-\xff]/g, '').trim();

export function ntfyMessage(n: Notification): NtfyMessage {
  const severity = worstSeverity(n.alerts);
  const tags = n.status === 'resolved' ? ['white_check_mark'] : [TAG[severity]];
  for (const name of new Set(n.alerts.map((a) => a.name))) tags.push(name);
  return {
    headers: {
      Title: latin1(notificationTitle(n)),
      Priority: String(n.status === 'resolved' ? 3 : PRIORITY[severity]),
      Tags: latin1(tags.join(',')),
    },
    body: notificationText(n),
  };
}

/** The stable key that finds an alert's issue again: its fingerprint, in the title. */
export const issueMarker = (fingerprint: string) => `[alert ${fingerprint}]`;
/** Marks what one notification wrote, so a retry finds it and writes nothing twice. */
export const notificationMarker = (id: string) => `<!-- factory-alert notification ${id} -->`;

export function issueTitle(a: AlertView): string {
  return `${a.summary} ${issueMarker(a.fingerprint)}`;
}

export function issueBody(a: AlertView, n: Notification): string {
  const labels = Object.entries(a.labels).map(([k, v]) => `${k}=${v}`);
  return [
    `**${a.name}** (${a.severity}) firing since ${a.startsAt}.`,
    '',
    a.description,
    '',
    `Labels: ${labels.join(', ') || 'none'}. Fingerprint \`${a.fingerprint}\`.`,
    'factoryctl comments while it fires and closes this issue when it resolves.',
    notificationMarker(n.id),
  ].join('\n');
}

export function issueComment(a: AlertView, n: Notification): string {
  const line =
    a.status === 'resolved'
      ? `Resolved${a.endsAt ? ` at ${a.endsAt}` : ''}: ${a.summary}`
      : `Still firing (since ${a.startsAt}) at ${n.createdAt}: ${a.summary}`;
  return `${line}\n\n${a.description}\n${notificationMarker(n.id)}`;
}
