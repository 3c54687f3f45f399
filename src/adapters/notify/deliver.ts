import type { ReceiverConfig } from '../../domain/config/receivers-schema.js';
import type { Notification } from '../../domain/config/alerts-state-schema.js';
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import { deliverToCommand } from './command.js';
import { deliverToForgeIssues } from './forge-issue.js';
import { deliverToWebhook } from './webhook.js';

export type DeliveryOutcome = { ok: true; ref?: string } | { ok: false; error: string };
export interface NotifyDeps {
  env: NodeJS.ProcessEnv;
  /** bound on one delivery; a receiver that hangs is cut off and retried later */
  timeoutMs: number;
  /** factory.yaml `forges`, for forge-issue receivers */
  forges?: FactoryConfig['forges'];
  /** the transport under the HTTP client (tests on loopback need none) */
  fetch?: typeof fetch;
  /** told of each delivery the outbox made (where it went: an issue, for `alerts`), before the entry is dropped */
  onDelivered?: (n: Notification, ref: string | undefined) => void;
}

/** What one receiver kind needs: the abort signal fires when the bound is reached. */
export type Deliver<R> = (n: Notification, r: R, deps: NotifyDeps, signal: AbortSignal) => Promise<DeliveryOutcome>;

/**
 * Send one notification to one receiver, within deps.timeoutMs whatever the receiver does: past it the
 * work in flight is aborted and the outcome is a failure (retried later by the outbox). Never throws.
 */
export async function deliverNotification(
  n: Notification,
  receiver: ReceiverConfig,
  deps: NotifyDeps,
): Promise<DeliveryOutcome> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const cutOff = new Promise<DeliveryOutcome>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve({ ok: false, error: `${receiver.type}: no answer within ${deps.timeoutMs} ms` });
    }, deps.timeoutMs);
  });
  const work = (async (): Promise<DeliveryOutcome> => {
    switch (receiver.type) {
      case 'webhook':
        return deliverToWebhook(n, receiver, deps, abort.signal);
      case 'forge-issue':
        return deliverToForgeIssues(n, receiver, deps, abort.signal);
      case 'command':
        return deliverToCommand(n, receiver, deps, abort.signal);
    }
  })().catch((error: unknown): DeliveryOutcome => ({ ok: false, error: `${receiver.type}: ${messageOf(error)}` }));
  try {
    return await Promise.race([work, cutOff]);
  } finally {
    clearTimeout(timer);
  }
}

export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 300);
