import type { OutboxEntry } from '../../domain/config/alerts-state-schema.js';
import type { AlertsConfig } from '../../domain/config/alerts-schema.js';
import type { NotifyDeps } from '../../adapters/notify/deliver.js';

/**
 * Try every due entry once (each receiver on its own, so one that fails or hangs never holds up another)
 * and return the entries still waiting, with attempts and back-off updated; delivered ones are gone.
 * Skeleton: the receivers' engineer fills this in; the alert engine persists what it returns.
 */
export async function drainOutbox(
  entries: readonly OutboxEntry[],
  _alerts: AlertsConfig,
  _deps: NotifyDeps,
  _now: number,
): Promise<OutboxEntry[]> {
  return [...entries];
}
