// `factoryctl alerts` for a human: one block per alert, within 80 columns.
import type { AlertsFile } from '../domain/config/alerts-file-schema.js';
import { formatDuration } from '../domain/duration.js';

const minute = (t: string) => t.slice(0, 16).replace('T', ' ');

export function alertLines(file: AlertsFile, now: number): string[] {
  const out: string[] = [];
  const shown = file.alerts.filter((a) => a.status !== 'resolved');
  if (shown.length === 0) out.push('no alerts firing');
  for (const a of shown) {
    const since = a.startsAt ?? a.firstSeen;
    out.push(`${a.status.toUpperCase()} ${a.severity} ${a.name} ${a.fingerprint}`);
    out.push(`  ${a.summary}`.slice(0, 80));
    out.push(`  since ${minute(since)} (${formatDuration(now - Date.parse(since))})`);
    const waiting = file.outbox.filter((e) => e.notification.alerts.some((v) => v.fingerprint === a.fingerprint));
    const where = a.mutedBy
      ? `not sent: ${a.mutedBy}`
      : a.sentTo.length > 0
        ? `sent to ${a.sentTo.join(', ')} at ${minute(a.lastSentAt ?? since)}`
        : a.status === 'pending'
          ? 'pending: its rule waits for the condition to hold'
          : 'not sent yet (group_wait, or no receiver)';
    out.push(`  ${where}`.slice(0, 80));
    for (const e of waiting)
      out.push(
        `  waiting for ${e.notification.receiver}: attempt ${e.attempts}${e.lastError ? `, ${e.lastError}` : ''}`.slice(
          0,
          80,
        ),
      );
  }
  for (const s of file.silences) {
    const what =
      s.fingerprint ??
      Object.entries(s.matchers ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
    out.push(`silence ${s.id}: ${what} until ${minute(s.until)}: ${s.reason}`.slice(0, 80));
  }
  return out;
}
