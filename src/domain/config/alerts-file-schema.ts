import { z } from 'zod';
import { IsoTime } from './common.js';
import { AlertSeverity, OutboxEntry } from './alerts-state-schema.js';

const Fingerprint = z.string().regex(/^[0-9a-f]{16}$/, '16 hex digits');

/** One alert the leader has seen, from its first sighting (pending) until its resolve is sent. */
export const AlertRecord = z.strictObject({
  fingerprint: Fingerprint,
  name: z.string().min(1),
  severity: AlertSeverity,
  labels: z.record(z.string(), z.string()),
  summary: z.string(),
  description: z.string(),
  groupKey: z.string().min(1),
  status: z.enum(['pending', 'firing', 'resolved']).describe("pending: seen, not yet held for its rule's `for`"),
  firstSeen: IsoTime.describe('when the condition was first seen'),
  startsAt: IsoTime.optional().describe('when it began to fire'),
  endsAt: IsoTime.optional().describe('when it resolved'),
  sentTo: z.array(z.string()).default([]).describe('the receivers of the last notification that carried it'),
  lastSentAt: IsoTime.optional(),
  mutedBy: z.string().optional().describe('why it is not sent: a silence, or the alert that inhibits it'),
});
export type AlertRecord = z.infer<typeof AlertRecord>;

/** Alertmanager's notification log, per group: what its last send carried, and when it may flush next. */
export const GroupRecord = z.strictObject({
  key: z.string().min(1),
  nextFlushAt: IsoTime,
  lastSentAt: IsoTime.optional(),
  firing: z.array(Fingerprint).default([]).describe('the firing alerts of the last send'),
  resolved: z.array(Fingerprint).default([]).describe('the resolved alerts of the last send'),
});
export type GroupRecord = z.infer<typeof GroupRecord>;

/** Alertmanager's silence: alerts matching all matchers (or this fingerprint) are not sent until `until`. */
export const Silence = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'an id: lower case letters, digits, dot, dash, underscore'),
    fingerprint: Fingerprint.optional(),
    matchers: z.record(z.string(), z.string()).optional().describe('label -> value; alertname is the rule name'),
    until: IsoTime,
    reason: z.string().min(1),
    createdBy: z.string().min(1),
    createdAt: IsoTime,
  })
  .refine((s) => s.fingerprint !== undefined || Object.keys(s.matchers ?? {}).length > 0, {
    message: 'a silence needs a fingerprint or at least one matcher',
  });
export type Silence = z.infer<typeof Silence>;

/** factory-state/alerts.yaml: written by the leader; silences also by `factoryctl alerts silence`. */
export const AlertsFile = z.strictObject({
  alerts: z.array(AlertRecord).default([]),
  groups: z.array(GroupRecord).default([]),
  silences: z.array(Silence).default([]),
  outbox: z.array(OutboxEntry).default([]).describe('notifications not yet taken by their receiver'),
  lease: z
    .strictObject({
      holder: z.string(),
      epoch: z.number().int(),
      changedAt: IsoTime.optional(),
      from: z.string().optional(),
    })
    .optional()
    .describe('the lease holder the leader last saw, so a change of hands raises lease-changed'),
});
export type AlertsFile = z.infer<typeof AlertsFile>;
export type AlertsFileInput = z.input<typeof AlertsFile>;
