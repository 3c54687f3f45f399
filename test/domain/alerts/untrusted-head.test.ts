import { describe, expect, it } from 'vitest';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import { EMPTY_ALERTS } from '../../../src/domain/alerts/alerts-file.js';
import { planAlerts, type AlertsInput } from '../../../src/domain/alerts/plan-alerts.js';
import { resolveRule } from '../../../src/domain/alerts/rules.js';
import { evaluateSignals, type AlertObserved } from '../../../src/domain/alerts/signals.js';
import { untrustedHeadOf, type TrustState, type UntrustedHead } from '../../../src/domain/trust/trust-state.js';

const M = 60_000;
const T0 = Date.parse('2026-05-01T10:00:00Z');
const TRUSTED = 'a'.repeat(40);
const BAD = 'b'.repeat(40);
const ON_TOP = 'c'.repeat(40);
const REF = 'refs/heads/main';

const head = (over: Partial<UntrustedHead> = {}): UntrustedHead => ({
  ref: REF,
  sha: BAD,
  signer: 'unsigned',
  reason: 'not signed',
  mode: 'enforce',
  trusted: TRUSTED,
  head: BAD,
  ...over,
});
const observed = (untrustedHead?: UntrustedHead): AlertObserved => ({
  nodes: [],
  telemetry: [],
  liveness: [],
  halts: [],
  level1: () => ({}),
  ...(untrustedHead ? { untrustedHead } : {}),
});
const RULE = resolveRule({ signal: 'untrusted-head' });

describe('untrusted-head: the signal, pure', () => {
  it('is on by default and critical', () => {
    const config = FactoryConfig.parse({ version: 1, name: 'unit', roles: {}, nodes: {} });
    const rule = config.alerts.rules.map(resolveRule).find((r) => r.signal === 'untrusted-head');
    expect(rule).toMatchObject({ name: 'untrusted-head', severity: 'critical', forMs: 0 });
  });

  it('one candidate naming the ref, the first untrusted commit and its signer; ignored in enforce', () => {
    const [c, ...rest] = evaluateSignals([RULE], observed(head()), T0);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      name: 'untrusted-head',
      severity: 'critical',
      forMs: 0,
      labels: { ref: REF, sha: BAD, signer: 'unsigned' },
      summary: 'main has an untrusted commit bbbbbbbbbbbb (signer unsigned)',
    });
    expect(c!.description).toBe(
      "not signed; ignored: the factory acts on the newest trusted commit aaaaaaaaaaaa. A human's signed commit on top vouches for the tree again.",
    );
  });

  it('names the signer of a key that is not allowed, and says that warn acts on it anyway', () => {
    const [c] = evaluateSignals(
      [RULE],
      observed(head({ mode: 'warn', signer: 'SHA256:abc', reason: 'signed by a key that is not an allowed signer' })),
      T0,
    );
    expect(c!.labels).toEqual({ ref: REF, sha: BAD, signer: 'SHA256:abc' });
    expect(c!.description).toContain('trust.mode is warn, so the factory acts on it anyway');
  });

  it('keeps the same labels while commits pile on top of the untrusted one (the head named in the text only)', () => {
    const [first] = evaluateSignals([RULE], observed(head()), T0);
    const [later] = evaluateSignals([RULE], observed(head({ head: ON_TOP })), T0 + M);
    expect(later!.labels).toEqual(first!.labels);
    expect(later!.description).toContain('(head cccccccccccc)');
  });

  it('nothing while the head is trusted', () => {
    expect(evaluateSignals([RULE], observed(), T0)).toEqual([]);
  });

  it("a rule's own name, severity and labels win over the defaults", () => {
    const rule = resolveRule({
      signal: 'untrusted-head',
      name: 'main-hijack',
      severity: 'warning',
      labels: { team: 'sec' },
    });
    const [c] = evaluateSignals([rule], observed(head()), T0);
    expect(c).toMatchObject({ name: 'main-hijack', severity: 'warning', labels: { team: 'sec', sha: BAD } });
  });
});

describe('untrustedHeadOf: the clone trust state as the alert sees it', () => {
  const state = (over: Partial<TrustState>): TrustState => ({
    mode: 'enforce',
    trusted: TRUSTED,
    head: ON_TOP,
    at: 0,
    ...over,
  });
  const untrusted = { sha: BAD, signer: 'unsigned', reason: 'not signed' };

  it('names the first untrusted commit, not the head', () => {
    expect(untrustedHeadOf(state({ untrusted }), REF)).toEqual(head({ head: ON_TOP }));
  });

  it.each([
    ['trust is off', state({ mode: 'off', untrusted })],
    ['the head is trusted', state({ head: TRUSTED })],
    ['no trust state (trust not in play)', undefined],
  ])('none when %s', (_what, s) => {
    expect(untrustedHeadOf(s, REF)).toBeUndefined();
  });

  it('a trust root that is not trusted: no trusted commit to name', () => {
    const root = { sha: BAD, signer: 'unsigned', reason: 'trust root: not signed' };
    const { trusted: _none, ...rest } = state({ untrusted: root, head: BAD });
    expect(untrustedHeadOf(rest, REF)).toEqual({ ...head({ reason: root.reason }), trusted: undefined });
  });
});

describe('untrusted-head through the engine: fires at once, resolves once the head is trusted again', () => {
  const config = FactoryConfig.parse({
    version: 1,
    name: 'unit',
    roles: { dev: { haltLevel: 1 }, supervisor: { protected: true } },
    nodes: { n1: { roles: ['dev'] } },
    alerts: { groupWait: '0s', groupInterval: '0s', receivers: { pager: { type: 'command', command: 'true' } } },
  });
  const input = (o: Partial<AlertsInput>): AlertsInput => ({
    config,
    previous: EMPTY_ALERTS,
    nodes: [],
    telemetry: [],
    halts: [],
    repos: [{ slug: 'a/b' }],
    selfNode: 'n1',
    now: T0,
    ...o,
  });

  it('one firing notification, the same alert while it holds, one resolved notification after', () => {
    const fired = planAlerts(input({ untrustedHead: head() }));
    expect(fired.notifications.map((n) => [n.status, n.alerts.map((a) => [a.name, a.severity, a.labels.sha])])).toEqual(
      [['firing', [['untrusted-head', 'critical', BAD]]]],
    );
    const held = planAlerts(input({ previous: fired.file, untrustedHead: head({ head: ON_TOP }), now: T0 + M }));
    expect(held.notifications).toEqual([]);
    expect(held.file.alerts.map((a) => [a.name, a.status])).toEqual([['untrusted-head', 'firing']]);
    const resolved = planAlerts(input({ previous: held.file, now: T0 + 2 * M }));
    expect(resolved.notifications.map((n) => [n.status, n.alerts.map((a) => a.labels.sha)])).toEqual([
      ['resolved', [BAD]],
    ]);
    expect(resolved.file.alerts).toEqual([]);
  });
});
