// Notifications as the alert engine hands them to receivers, for receiver tests.
import type { AlertView, Notification } from '../../src/domain/config/alerts-state-schema.js';

export function alertView(over: Partial<AlertView> = {}): AlertView {
  return {
    fingerprint: '0123456789abcdef',
    name: 'node-down',
    severity: 'critical',
    labels: { node: 'vps2' },
    summary: 'node vps2 is down',
    description: 'no heartbeat from vps2 for 6m; asked over SSH: no answer',
    startsAt: '2026-12-02T10:00:00Z',
    status: 'firing',
    ...over,
  };
}

export function notification(over: Partial<Notification> = {}): Notification {
  const alerts = over.alerts ?? [alertView()];
  return {
    id: 'n-1',
    receiver: 'phone',
    groupKey: 'node-down/vps2',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    createdAt: '2026-12-02T10:00:30Z',
    ...over,
  };
}
