import type { AlertView } from '../config/alerts-state-schema.js';
import type { AlertsConfig } from '../config/alerts-schema.js';
import type { RouteConfig } from '../config/receivers-schema.js';

/** A route takes an alert when its severity is listed (none listed: any) and every label it names is equal. */
export function routeMatches(route: RouteConfig, alert: Pick<AlertView, 'severity' | 'labels'>): boolean {
  if (route.severity && !route.severity.includes(alert.severity)) return false;
  return Object.entries(route.labels ?? {}).every(([k, v]) => alert.labels[k] === v);
}

/**
 * The receivers an alert goes to: those of the first route that matches. With no routes, or none that
 * matches, every receiver: an alert nobody routed is still heard rather than dropped.
 */
export function receiversFor(alert: Pick<AlertView, 'severity' | 'labels'>, alerts: AlertsConfig): string[] {
  const route = alerts.routes.find((r) => routeMatches(r, alert));
  return route ? [...route.receivers] : Object.keys(alerts.receivers);
}
