// Stable identities: an alert's fingerprint (its rule name and labels, as Alertmanager hashes them) and
// a group's key (the values of the groupBy labels). Same inputs, same strings, on every leader.
import { createHash } from 'node:crypto';

const hash16 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

function sortedPairs(labels: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** 16 hex digits over the name and the sorted labels: one per alert for its whole life. */
export function fingerprintOf(name: string, labels: Readonly<Record<string, string>>): string {
  return hash16(JSON.stringify([name, sortedPairs(labels)]));
}

/** `{alertname="node-down",node="vps-2"}`: the groupBy labels the alert has, in groupBy's order. */
export function groupKeyOf(name: string, labels: Readonly<Record<string, string>>, groupBy: readonly string[]): string {
  const all: Record<string, string> = { ...labels, alertname: name };
  const parts = groupBy.filter((l) => all[l] !== undefined).map((l) => `${l}=${JSON.stringify(all[l])}`);
  return `{${parts.join(',')}}`;
}

/** A notification's id: the group, the receiver and the flush time; kept in the outbox, so retries reuse it. */
export function notificationId(groupKey: string, receiver: string, at: number): string {
  return `${hash16(groupKey)}-${receiver}-${at.toString(36)}`;
}
