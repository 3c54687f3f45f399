// This cycle's candidates against the alerts on record: new ones pending or firing, those that held
// past their rule's `for` firing, those gone resolved. A pending one that goes is forgotten.
import type { AlertRecord } from '../config/alerts-file-schema.js';
import type { Candidate } from './candidate.js';
import { fingerprintOf, groupKeyOf } from './fingerprint.js';

const iso = (t: number) => new Date(t).toISOString();

export function mergeAlerts(
  candidates: readonly Candidate[],
  previous: readonly AlertRecord[],
  groupBy: readonly string[],
  now: number,
): { alerts: AlertRecord[]; decisions: string[]; firesAt: number[] } {
  const before = new Map(previous.map((a) => [a.fingerprint, a]));
  const next = new Map<string, AlertRecord>();
  const decisions: string[] = [];
  // When each pending alert will have held for its rule's `for`: the loop looks again then.
  const firesAt: number[] = [];
  for (const c of candidates) {
    const fingerprint = fingerprintOf(c.name, c.labels);
    if (next.has(fingerprint)) continue;
    const old = before.get(fingerprint);
    const live = old && old.status !== 'resolved' ? old : undefined;
    const firstSeen = live?.firstSeen ?? iso(Math.min(c.since ?? now, now));
    const firing = now - (c.since ?? Date.parse(firstSeen)) >= c.forMs;
    if (!firing) firesAt.push((c.since ?? Date.parse(firstSeen)) + c.forMs);
    const record: AlertRecord = {
      fingerprint,
      name: c.name,
      severity: c.severity,
      labels: c.labels,
      summary: c.summary,
      description: c.description,
      groupKey: groupKeyOf(c.name, c.labels, groupBy),
      status: firing ? 'firing' : 'pending',
      firstSeen,
      sentTo: old?.sentTo ?? [],
    };
    // The texts are what was sent: kept while the alert stays as it was, so a text that reads the clock
    // (a forecast's "in 3h") never rewrites alerts.yaml, and so main, on a cycle where nothing changed.
    if (live && live.status === record.status) [record.summary, record.description] = [live.summary, live.description];
    if (firing) record.startsAt = live?.status === 'firing' && live.startsAt ? live.startsAt : iso(now);
    if (old?.lastSentAt) record.lastSentAt = old.lastSentAt;
    if (firing && live?.status !== 'firing') decisions.push(`alert ${c.name} fires: ${c.summary}`);
    next.set(fingerprint, record);
  }
  for (const old of previous) {
    if (next.has(old.fingerprint) || old.status === 'pending') continue;
    if (old.status === 'firing') decisions.push(`alert ${old.name} resolved: ${old.summary}`);
    const { mutedBy: _muted, ...rest } = old;
    next.set(old.fingerprint, { ...rest, status: 'resolved', endsAt: old.endsAt ?? iso(now) });
  }
  return { alerts: [...next.values()], decisions, firesAt };
}
