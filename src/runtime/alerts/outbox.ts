import type { OutboxEntry } from '../../domain/config/alerts-state-schema.js';
import type { AlertsConfig } from '../../domain/config/alerts-schema.js';
import { retryDelayMs } from '../../domain/alerts/backoff.js';
import { deliverNotification, type NotifyDeps } from '../../adapters/notify/deliver.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Try every due entry once and return the entries still waiting, with attempts and back-off updated;
 * delivered ones are gone. Receivers run concurrently, each on its own, so one that fails or hangs (each
 * try is bounded by deps.timeoutMs) never holds up another; one receiver's entries go in outbox order,
 * one at a time, so its firing lands before its resolved and two notifications about one alert never
 * race to open its forge issue. An entry whose receiver left the config is dropped: nobody is left to
 * send it to. The alert engine persists what it returns.
 */
export async function drainOutbox(
  entries: readonly OutboxEntry[],
  alerts: AlertsConfig,
  deps: NotifyDeps,
  now: number,
): Promise<OutboxEntry[]> {
  const after = new Map<OutboxEntry, OutboxEntry | undefined>();
  const byReceiver = new Map<string, OutboxEntry[]>();
  for (const e of entries) {
    if (Date.parse(e.nextAttemptAt) > now) continue;
    const queue = byReceiver.get(e.notification.receiver) ?? [];
    byReceiver.set(e.notification.receiver, [...queue, e]);
  }
  await Promise.all(
    [...byReceiver].map(async ([name, queue]) => {
      const receiver = alerts.receivers[name];
      for (const entry of queue) after.set(entry, receiver && (await tryOnce(entry, receiver, deps, now)));
    }),
  );
  return entries.flatMap((e) => {
    const next = after.has(e) ? after.get(e) : e;
    return next ? [next] : [];
  });
}

/** undefined once delivered; else the entry with its back-off moved on. */
async function tryOnce(
  entry: OutboxEntry,
  receiver: AlertsConfig['receivers'][string],
  deps: NotifyDeps,
  now: number,
): Promise<OutboxEntry | undefined> {
  const outcome = await deliverNotification(entry.notification, receiver, deps);
  if (outcome.ok) return void deps.onDelivered?.(entry.notification, outcome.ref);
  const attempts = entry.attempts + 1;
  return { ...entry, attempts, nextAttemptAt: iso(now + retryDelayMs(attempts)), lastError: outcome.error };
}
