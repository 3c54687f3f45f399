import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../src/domain/config/alerts-file-schema.js';
import { EMPTY_ALERTS, parseAlertsYaml, renderAlertsYaml } from '../../../src/domain/alerts/alerts-file.js';
import { silenceFromArgs } from '../../../src/domain/alerts/silence-edit.js';
import { firingAlertsSection } from '../../../src/domain/supervisor/status-alerts.js';
import { alertLines } from '../../../src/commands/alerts-text.js';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const down: AlertRecord = {
  fingerprint: '0123456789abcdef',
  name: 'node-down',
  severity: 'critical',
  labels: { node: 'vps-2' },
  summary: 'node vps-2 is down',
  description: 'no telemetry change for 1h',
  groupKey: '{alertname="node-down",node="vps-2"}',
  status: 'firing',
  firstSeen: '2026-05-01T09:00:00.000Z',
  startsAt: '2026-05-01T09:00:00.000Z',
  sentTo: ['pager'],
  lastSentAt: '2026-05-01T09:00:30.000Z',
};
const table = (head: string[], rows: string[][]) => [head.join(' | '), ...rows.map((r) => r.join(' | '))];

describe('what people see of alerts', () => {
  it("STATUS.md's section lists what fires, since when and where it went; none while nothing fires", () => {
    expect(firingAlertsSection([down], table).slice(0, 4)).toEqual([
      '## Firing alerts',
      '',
      'alert | severity | about | since | sent to | fingerprint',
      'node-down: node vps-2 is down | critical | node=vps-2 | 2026-05-01 09:00 UTC | pager | `0123456789abcdef`',
    ]);
    expect(firingAlertsSection([{ ...down, status: 'pending' }], table)).toEqual([]);
  });

  it('`alerts` fits 80 columns and says why an alert was not sent', () => {
    const long = {
      ...down,
      summary: 'x'.repeat(120),
      mutedBy: `silence s-1 until 2026-05-01T12:00:00Z: ${'y'.repeat(90)}`,
    };
    const lines = alertLines({ ...EMPTY_ALERTS, alerts: [long] }, T0);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines[3]).toMatch(/^ {2}not sent: silence s-1/);
    expect(alertLines(EMPTY_ALERTS, T0)).toEqual(['no alerts firing']);
  });

  it('alerts.yaml renders the same bytes for the same state and reads back', () => {
    const file = { ...EMPTY_ALERTS, alerts: [down] };
    const text = renderAlertsYaml(file);
    expect(renderAlertsYaml(file)).toBe(text);
    expect(parseAlertsYaml(text)).toEqual({ ok: true, value: file });
  });

  it('a silence from the command line: matchers or a fingerprint, a future --until, a reason', () => {
    const ok = silenceFromArgs('node=vps-2,alertname=disk-forecast', '2h', 'resizing', 'alice', T0);
    expect(ok).toMatchObject({
      ok: true,
      silence: { matchers: { node: 'vps-2', alertname: 'disk-forecast' }, until: '2026-05-01T12:00:00.000Z' },
    });
    expect(silenceFromArgs('0123456789abcdef', '2h', 'known', 'alice', T0)).toMatchObject({
      silence: { fingerprint: '0123456789abcdef' },
    });
    expect(silenceFromArgs('vps-2', '2h', 'r', 'alice', T0)).toMatchObject({ ok: false, kind: 'usage' });
    expect(silenceFromArgs('node=vps-2', '2020-01-01T00:00:00Z', 'r', 'alice', T0)).toMatchObject({ ok: false });
    expect(silenceFromArgs('node=vps-2', '2h', ' ', 'alice', T0)).toMatchObject({ ok: false });
  });
});
