import type { AlertView } from '../config/alerts-state-schema.js';
import type { AlertsConfig } from '../config/alerts-schema.js';

/** The receivers an alert goes to. Skeleton (every receiver): the receivers' engineer owns the matching. */
export function receiversFor(_alert: AlertView, alerts: AlertsConfig): string[] {
  return Object.keys(alerts.receivers);
}
