// Why a firing alert is not sent: a silence matches it, or a node-down alert for its node inhibits it
// (Alertmanager: a silenced source still inhibits; an inhibitor is never inhibited by its own kind).
import type { AlertRecord, Silence } from '../config/alerts-file-schema.js';
import { activeSilence } from './silence.js';

export function muteAlerts(
  alerts: readonly AlertRecord[],
  silences: readonly Silence[],
  inhibitors: ReadonlySet<string>,
  now: number,
): AlertRecord[] {
  const down = new Map<string, AlertRecord>();
  for (const a of alerts)
    if (a.status === 'firing' && inhibitors.has(a.name) && a.labels.node !== undefined) down.set(a.labels.node, a);
  return alerts.map((a) => {
    const { mutedBy: _old, ...rest } = a;
    if (a.status !== 'firing') return rest;
    const silence = activeSilence(silences, a, now);
    if (silence) return { ...rest, mutedBy: `silence ${silence.id} until ${silence.until}: ${silence.reason}` };
    const source = a.labels.node !== undefined && !inhibitors.has(a.name) ? down.get(a.labels.node) : undefined;
    return source ? { ...rest, mutedBy: `inhibited by ${source.name} (${source.fingerprint})` } : rest;
  });
}
