import type { ReceiverConfig } from '../../domain/config/receivers-schema.js';
import type { Notification } from '../../domain/config/alerts-state-schema.js';

export type DeliveryOutcome = { ok: true; ref?: string } | { ok: false; error: string };
export interface NotifyDeps {
  env: NodeJS.ProcessEnv;
  /** bound on one delivery; a receiver that hangs is cut off and retried later */
  timeoutMs: number;
}

/** Send one notification to one receiver. Skeleton: the receivers' engineer fills this in. */
export async function deliverNotification(
  _n: Notification,
  receiver: ReceiverConfig,
  _deps: NotifyDeps,
): Promise<DeliveryOutcome> {
  return { ok: false, error: `receiver type ${receiver.type} is not built yet` };
}
