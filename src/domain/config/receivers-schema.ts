import { z } from 'zod';

/**
 * Where alerts go (factory.yaml `alerts.receivers` and `alerts.routes`). Skeleton: the receivers' engineer
 * owns this file and fills in the kinds (webhook/ntfy, forge issue, local command) and their fields.
 */
export const ReceiverConfig = z.strictObject({
  type: z.enum(['webhook', 'forge-issue', 'command']).describe('how the alert is sent'),
});
export type ReceiverConfig = z.infer<typeof ReceiverConfig>;

/** Which receivers get an alert: the first route that matches (by severity or labels), else `default`. */
export const RouteConfig = z.strictObject({
  receivers: z.array(z.string().min(1)).min(1).describe('receiver names'),
});
export type RouteConfig = z.infer<typeof RouteConfig>;
