/**
 * What the alert engine hands to receivers: Alertmanager's notification, cut to what a small factory needs.
 * The engine (domain/alerts/*) decides these; adapters/notify/* delivers them. Plain data, so it can sit in
 * factory-state/alerts.yaml's outbox until it is delivered.
 */
export type AlertSeverity = 'critical' | 'warning' | 'info';

export interface AlertView {
  /** Stable hash of the rule name and the labels: one per alert for its whole life, the forge issue's key. */
  fingerprint: string;
  /** The rule that raised it, e.g. "node-down". */
  name: string;
  severity: AlertSeverity;
  /** node, role, repo, ...: what it is about; routes and inhibitions match on these. */
  labels: Record<string, string>;
  /** One line, for a title or a push notification. */
  summary: string;
  /** A few lines, for a body. */
  description: string;
  /** ISO times. */
  startsAt: string;
  endsAt?: string;
  status: 'firing' | 'resolved';
}

/** What one receiver is sent at one time: the alerts of one group. */
export interface Notification {
  /** Stable across retries: receivers use it to stay idempotent (a retry never duplicates). */
  id: string;
  receiver: string;
  groupKey: string;
  /** firing if any alert in it fires; a group whose alerts all resolved is sent once as resolved. */
  status: 'firing' | 'resolved';
  alerts: AlertView[];
  /** ISO time the engine decided it. */
  createdAt: string;
}
