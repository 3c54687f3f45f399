import { describe, expect, it } from 'vitest';
import type { AlertsFile } from '../../../src/domain/config/alerts-file-schema.js';
import type { Candidate } from '../../../src/domain/alerts/candidate.js';
import { applyDrain, decideAlerts, drainResult, type AlertPolicy } from '../../../src/domain/alerts/decide-alerts.js';
import { EMPTY_ALERTS } from '../../../src/domain/alerts/alerts-file.js';
import { fingerprintOf } from '../../../src/domain/alerts/fingerprint.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const T0 = Date.parse('2026-05-01T10:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

const policy = (receivers: string[] = ['pager']): AlertPolicy => ({
  groupBy: ['alertname', 'node'],
  groupWaitMs: 30 * S,
  groupIntervalMs: 5 * M,
  repeatIntervalMs: 4 * H,
  inhibitors: new Set(['node-down']),
  receiversFor: () => receivers,
});
const alert = (name: string, node: string, extra: Partial<Candidate> = {}): Candidate => ({
  name,
  severity: name === 'node-down' ? 'critical' : 'warning',
  summary: `${name} on ${node}`,
  description: 'because',
  forMs: 0,
  ...extra,
  labels: { node, ...(extra.labels ?? {}) },
});

/** Runs the engine cycle by cycle over (time, candidates), carrying the file, and collects what each cycle sent. */
function run(steps: [number, Candidate[]][], p = policy(), start: AlertsFile = EMPTY_ALERTS) {
  let file = start;
  const sent: { at: number; status: string; receiver: string; alerts: string[] }[] = [];
  for (const [at, cands] of steps) {
    const d = decideAlerts(cands, file, p, at);
    file = d.file;
    for (const n of d.notifications)
      sent.push({
        at,
        status: n.status,
        receiver: n.receiver,
        alerts: n.alerts.map((a) => `${a.name}@${a.labels.node}:${a.status}`),
      });
  }
  return { file, sent };
}

describe('the alert engine: Alertmanager manners over supervisor cycles', () => {
  it('waits group_wait, then sends the group once with every alert in it', () => {
    const a = alert('disk-forecast', 'n1', { labels: { mount: '/' } });
    const b = alert('disk-forecast', 'n1', { labels: { mount: '/var' } });
    const { sent } = run([
      [T0, [a]],
      [T0 + 10 * S, [a, b]],
      [T0 + 31 * S, [a, b]],
      [T0 + 2 * M, [a, b]],
    ]);
    expect(sent).toEqual([
      {
        at: T0 + 31 * S,
        status: 'firing',
        receiver: 'pager',
        alerts: ['disk-forecast@n1:firing', 'disk-forecast@n1:firing'],
      },
    ]);
  });

  it('groups by rule name and node: two nodes, two notifications', () => {
    const { sent } = run([
      [T0, [alert('node-level-3', 'n1'), alert('node-level-3', 'n2')]],
      [T0 + 30 * S, [alert('node-level-3', 'n1'), alert('node-level-3', 'n2')]],
    ]);
    expect(sent.map((s) => s.alerts)).toEqual([['node-level-3@n1:firing'], ['node-level-3@n2:firing']]);
  });

  it('an alert joining a sent group waits group_interval after the last send', () => {
    const a = alert('role-halted', 'n1', { labels: { role: 'dev' } });
    const b = alert('role-halted', 'n1', { labels: { role: 'review' } });
    const { sent } = run([
      [T0, [a]],
      [T0 + 30 * S, [a]],
      [T0 + 1 * M, [a, b]],
      [T0 + 5 * M, [a, b]],
      [T0 + 5 * M + 30 * S, [a, b]],
    ]);
    expect(sent.map((s) => [s.at - T0, s.alerts.length])).toEqual([
      [30 * S, 1],
      [5 * M + 30 * S, 2],
    ]);
  });

  it('repeats a group that still fires after repeat_interval, not before', () => {
    const a = alert('node-level-3', 'n1');
    const steps: [number, Candidate[]][] = [0, 30 * S, 1 * H, 3 * H, 4 * H + 30 * S, 5 * H].map((t) => [T0 + t, [a]]);
    expect(run(steps).sent.map((s) => s.at - T0)).toEqual([30 * S, 4 * H + 30 * S]);
  });

  it('sends a resolved alert once as resolved, then forgets it', () => {
    const a = alert('node-level-3', 'n1');
    const { sent, file } = run([
      [T0, [a]],
      [T0 + 30 * S, [a]],
      [T0 + 2 * M, []],
      [T0 + 5 * M + 30 * S, []],
      [T0 + 11 * M, []],
    ]);
    expect(sent.map((s) => [s.at - T0, s.status, s.alerts])).toEqual([
      [30 * S, 'firing', ['node-level-3@n1:firing']],
      [5 * M + 30 * S, 'resolved', ['node-level-3@n1:resolved']],
    ]);
    expect(file.alerts).toEqual([]);
    expect(file.groups).toEqual([]);
  });

  it('an alert that resolves before its group was ever sent is never sent', () => {
    const a = alert('node-suspect', 'n1');
    const { sent, file } = run([
      [T0, [a]],
      [T0 + 10 * S, []],
      [T0 + 40 * S, []],
    ]);
    expect(sent).toEqual([]);
    expect(file.alerts).toEqual([]);
  });

  it("a node that is down inhibits that node's other alerts, not another node's", () => {
    const cands = [alert('node-down', 'n1'), alert('disk-forecast', 'n1'), alert('disk-forecast', 'n2')];
    const { sent, file } = run([
      [T0, cands],
      [T0 + 30 * S, cands],
    ]);
    expect(
      sent
        .map((s) => s.alerts)
        .flat()
        .sort(),
    ).toEqual(['disk-forecast@n2:firing', 'node-down@n1:firing']);
    const muted = file.alerts.find((a) => a.name === 'disk-forecast' && a.labels.node === 'n1')!;
    expect(muted.mutedBy).toMatch(/^inhibited by node-down/);
  });

  it('a silence by matcher or by fingerprint keeps an alert from being sent until it expires', () => {
    const a = alert('disk-forecast', 'n1');
    const b = alert('memory-forecast', 'n2');
    const silenced: AlertsFile = {
      ...EMPTY_ALERTS,
      silences: [
        {
          id: 's1',
          matchers: { alertname: 'disk-forecast', node: 'n1' },
          until: iso(T0 + H),
          reason: 'resizing',
          createdBy: 'ops',
          createdAt: iso(T0),
        },
        {
          id: 's2',
          fingerprint: fingerprintOf(b.name, b.labels),
          until: iso(T0 + 2 * M),
          reason: 'known',
          createdBy: 'ops',
          createdAt: iso(T0),
        },
      ],
    };
    const { sent, file } = run(
      [
        [T0, [a, b]],
        [T0 + 30 * S, [a, b]],
        [T0 + 3 * M, [a, b]],
        [T0 + 3 * M + 30 * S, [a, b]],
      ],
      policy(),
      silenced,
    );
    expect(sent.map((s) => [s.at - T0, s.alerts])).toEqual([[3 * M + 30 * S, ['memory-forecast@n2:firing']]]);
    expect(file.silences.map((s) => s.id)).toEqual(['s1']);
  });

  it("holds a condition pending for its rule's `for`, counted from the data's own since when it has one", () => {
    const halted = alert('role-halted', 'n1', { forMs: 30 * M, since: T0 - 29 * M });
    const step1 = decideAlerts([halted], EMPTY_ALERTS, policy(), T0);
    expect(step1.file.alerts[0]!.status).toBe('pending');
    const step2 = decideAlerts([halted], step1.file, policy(), T0 + M);
    expect(step2.file.alerts[0]).toMatchObject({ status: 'firing', startsAt: iso(T0 + M) });
  });

  it('one notification per receiver per group send, with ids that a re-run gives again', () => {
    const a = alert('node-down', 'n1');
    const first = decideAlerts([a], EMPTY_ALERTS, policy(['pager', 'issues']), T0);
    const again = () => decideAlerts([a], first.file, policy(['pager', 'issues']), T0 + 30 * S);
    expect(again().notifications.map((n) => n.receiver)).toEqual(['pager', 'issues']);
    expect(again().notifications.map((n) => n.id)).toEqual(again().notifications.map((n) => n.id));
    expect(new Set(again().notifications.map((n) => n.id)).size).toBe(2);
    expect(again().file.outbox.map((e) => e.notification.id)).toEqual(again().notifications.map((n) => n.id));
    expect(again().file.alerts[0]!.sentTo).toEqual(['pager', 'issues']);
  });

  it('a new leader reading the file sends nothing again: the log of what was sent is in it', () => {
    const a = alert('node-down', 'n1');
    const { file } = run([
      [T0, [a]],
      [T0 + 30 * S, [a]],
    ]);
    const reread = JSON.parse(JSON.stringify(file)) as AlertsFile;
    expect(decideAlerts([a], reread, policy(), T0 + 3 * M).notifications).toEqual([]);
  });

  it('applies a drain: delivered entries leave the outbox, tried ones keep their back-off', () => {
    const a = alert('node-down', 'n1');
    const first = decideAlerts([a], EMPTY_ALERTS, policy(['pager', 'hook']), T0);
    const sent = decideAlerts([a], first.file, policy(['pager', 'hook']), T0 + 30 * S).file.outbox;
    const hook = { ...sent[1]!, attempts: 1, nextAttemptAt: iso(T0 + 2 * M), lastError: '500' };
    const drain = drainResult(sent, [hook]);
    expect(drain.delivered).toEqual([sent[0]!.notification.id]);
    expect(applyDrain(sent, drain)).toEqual([hook]);
  });

  it('says when it next has something to send: group_wait, a rule held for its `for`, a failed delivery retried', () => {
    const a = alert('node-down', 'n1');
    expect(decideAlerts([a], EMPTY_ALERTS, policy(), T0).dueAt).toBe(T0 + 30 * S);
    const held = alert('role-halted', 'n1', { forMs: 10 * M, since: T0 });
    expect(decideAlerts([held], EMPTY_ALERTS, policy(), T0 + M).dueAt).toBe(T0 + 10 * M);
    const sent = decideAlerts([a], decideAlerts([a], EMPTY_ALERTS, policy(), T0).file, policy(), T0 + 30 * S);
    const retry = { ...sent.file.outbox[0]!, attempts: 1, nextAttemptAt: iso(T0 + 50 * S), lastError: '500' };
    const after = decideAlerts([a], { ...sent.file, outbox: [retry] }, policy(), T0 + 40 * S);
    expect(after.dueAt).toBe(T0 + 50 * S);
    // Nothing pending, nothing to retry, the group sent: the next look is group_interval's.
    expect(decideAlerts([a], { ...sent.file, outbox: [] }, policy(), T0 + 40 * S).dueAt).toBe(T0 + 30 * S + 5 * M);
  });
});
