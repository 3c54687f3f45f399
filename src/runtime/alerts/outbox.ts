import type { OutboxEntry } from '../../domain/config/alerts-state-schema.js';
import type { AlertsConfig } from '../../domain/config/alerts-schema.js';
import { retryDelayMs } from '../../domain/alerts/backoff.js';
import { deliverNotification, type DeliveryOutcome, type NotifyDeps } from '../../adapters/notify/deliver.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Try every due entry once (each receiver on its own, so one that fails or hangs never holds up another)
 * and return the entries still waiting, with attempts and back-off updated; delivered ones are gone.
 * An entry whose receiver was removed from the config is dropped: nobody is left to send it to.
 * The alert engine persists what it returns.
 */
export async function drainOutbox(
  entries: readonly OutboxEntry[],
  alerts: AlertsConfig,
  deps: NotifyDeps,
  now: number,
): Promise<OutboxEntry[]> {
  const tried = await Promise.all(
    entries.map(async (entry): Promise<OutboxEntry | undefined> => {
      if (Date.parse(entry.nextAttemptAt) > now) return entry;
      const receiver = alerts.receivers[entry.notification.receiver];
      if (!receiver) return undefined;
      const outcome: DeliveryOutcome = await deliverNotification(entry.notification, receiver, deps);
      if (outcome.ok) return void deps.onDelivered?.(entry.notification, outcome.ref);
      const attempts = entry.attempts + 1;
      return { ...entry, attempts, nextAttemptAt: iso(now + retryDelayMs(attempts)), lastError: outcome.error };
    }),
  );
  return tried.filter((e): e is OutboxEntry => e !== undefined);
}
