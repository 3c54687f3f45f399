import { describe, expect, it } from 'vitest';
import { receiversFor } from '../../../src/domain/alerts/route.js';
import { retryDelayMs } from '../../../src/domain/alerts/backoff.js';
import { ntfyMessage } from '../../../src/domain/alerts/notify-format.js';
import { AlertsConfig } from '../../../src/domain/config/alerts-schema.js';
import { alertView, notification } from '../../support/notification.js';

const alerts = AlertsConfig.parse({
  receivers: {
    phone: { type: 'webhook', url: 'https://ntfy.sh/x' },
    issues: { type: 'forge-issue', forge: 'f', repo: 'a/b' },
    ops: { type: 'command', command: '/bin/true' },
  },
  routes: [
    { severity: ['critical'], labels: { node: 'vps1' }, receivers: ['phone', 'issues'] },
    { severity: ['critical'], receivers: ['phone'] },
    { labels: { role: 'dev' }, receivers: ['ops'] },
    { receivers: ['issues'] },
  ],
});

describe('receiversFor: the first route that matches wins', () => {
  const rows: [string, { severity: 'critical' | 'warning' | 'info'; labels: Record<string, string> }, string[]][] = [
    ['severity and labels both match', { severity: 'critical', labels: { node: 'vps1' } }, ['phone', 'issues']],
    [
      'severity matches, a label differs: the next route',
      { severity: 'critical', labels: { node: 'vps2' } },
      ['phone'],
    ],
    ['labels only', { severity: 'warning', labels: { role: 'dev', node: 'vps1' } }, ['ops']],
    ['nothing specific: the catch-all route', { severity: 'info', labels: {} }, ['issues']],
  ];
  it.each(rows)('%s', (_what, alert, expected) => expect(receiversFor(alert, alerts)).toEqual(expected));

  it('no route matches, or none is configured: every receiver (an unrouted alert is heard, not dropped)', () => {
    const noCatchAll = { ...alerts, routes: alerts.routes.slice(0, 1) };
    expect(receiversFor({ severity: 'info', labels: {} }, noCatchAll)).toEqual(['phone', 'issues', 'ops']);
    expect(receiversFor({ severity: 'info', labels: {} }, { ...alerts, routes: [] })).toEqual([
      'phone',
      'issues',
      'ops',
    ]);
  });
});

describe('retryDelayMs: 30 s doubling, at most 10 m', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [5, 480_000],
    [6, 600_000],
    [60, 600_000],
  ])('after failure %i: %i ms', (attempts, ms) => expect(retryDelayMs(attempts)).toBe(ms));
});

describe('ntfyMessage: severity -> priority, the worst alert of the group wins', () => {
  it.each([
    ['critical', '5', 'rotating_light'],
    ['warning', '4', 'warning'],
    ['info', '3', 'information_source'],
  ] as const)('%s -> priority %s', (severity, priority, tag) => {
    const m = ntfyMessage(notification({ alerts: [alertView({ severity })] }));
    expect(m.headers).toMatchObject({ Priority: priority, Tags: `${tag},node-down` });
  });

  it('a group: counted in the title, non-Latin-1 text kept out of the headers', () => {
    const m = ntfyMessage(
      notification({
        alerts: [
          alertView({ severity: 'warning', summary: 'disk → full' }),
          alertView({ fingerprint: 'fedcba9876543210' }),
        ],
      }),
    );
    expect(m.headers).toMatchObject({ Title: '[FIRING:2] 2 alerts: node-down/vps2', Priority: '5' });
    expect(m.body).toContain('disk → full');
  });
});
