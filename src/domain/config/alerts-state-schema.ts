import { z } from 'zod';
import { IsoTime } from './common.js';

/**
 * What the alert engine hands to receivers (Alertmanager's notification, cut to what a small factory needs)
 * and the outbox entries that wait in factory-state/alerts.yaml until a receiver took them. The engine
 * (domain/alerts/) decides notifications; runtime/alerts/outbox.ts delivers them through adapters/notify/.
 */
export const AlertSeverity = z.enum(['critical', 'warning', 'info']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

export const AlertView = z.strictObject({
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{16}$/, '16 hex digits')
    .describe('stable hash of the rule name and labels: one per alert for its whole life, the forge issue key'),
  name: z.string().min(1).describe('the rule that raised it, e.g. node-down'),
  severity: AlertSeverity,
  labels: z.record(z.string(), z.string()).describe('node, role, repo: what it is about; routes match on these'),
  summary: z.string().describe('one line, for a title or a push notification'),
  description: z.string().describe('a few lines, for a body'),
  startsAt: IsoTime,
  endsAt: IsoTime.optional(),
  status: z.enum(['firing', 'resolved']),
});
export type AlertView = z.infer<typeof AlertView>;

/** What one receiver is sent at one time: the alerts of one group. */
export const Notification = z.strictObject({
  id: z.string().min(1).describe('stable across retries: receivers use it so a retry never duplicates'),
  receiver: z.string().min(1),
  groupKey: z.string().min(1),
  status: z.enum(['firing', 'resolved']).describe('firing if any alert in it fires'),
  alerts: z.array(AlertView),
  createdAt: IsoTime,
});
export type Notification = z.infer<typeof Notification>;

/** One notification waiting for its receiver; removed once delivered. */
export const OutboxEntry = z.strictObject({
  notification: Notification,
  attempts: z.number().int().min(0).default(0),
  nextAttemptAt: IsoTime.describe('not tried again before this time (back-off)'),
  lastError: z.string().optional(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;
