import { describe, expect, it } from 'vitest';
import {
  FORGE_PROBE_INTERVAL_MS,
  forgeEvent,
  forgeState,
  forgeTargets,
  probeDue,
} from '../../../src/domain/node/forge-probe.js';
import { nodeCycle } from '../../../src/domain/node-cycle.js';
import type { NodeDecision } from '../../../src/domain/config/state-schema.js';
import { initialPressureState } from '../../../src/domain/pressure/index.js';
import { factory } from '../../support/apply-fixture.js';
import { sample } from '../pressure/pressure-fixtures.js';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
const forges = {
  a: { type: 'forgejo' as const, url: 'https://a.example/', tokenEnv: 'A_TOKEN' },
  a2: { type: 'forgejo' as const, url: 'https://a.example', tokenEnv: 'A2_TOKEN' },
  b: { type: 'forgejo' as const, url: 'https://b.example', tokenEnv: 'B_TOKEN' },
};
const repo = (forge: string, tokenEnv?: string) => ({ config: { forge, ...(tokenEnv ? { tokenEnv } : {}) } });

describe('forgeTargets: the forges the repositories use, once each, where a token is set on this node', () => {
  it('one target per URL, in URL order, with the first token set among the repositories using it', () => {
    const set = new Set(['A2_TOKEN', 'OWN', 'B_TOKEN']);
    const targets = forgeTargets({ forges }, [repo('b'), repo('a'), repo('a2'), repo('a', 'OWN')], (n) => set.has(n));
    expect(targets).toEqual([
      { url: 'https://a.example', tokenEnv: 'A2_TOKEN' },
      { url: 'https://b.example', tokenEnv: 'B_TOKEN' },
    ]);
  });

  it('a forge whose token is not set here, one no repository uses, or one not in factory.yaml: not probed', () => {
    expect(forgeTargets({ forges }, [repo('a'), repo('gone')], () => false)).toEqual([]);
    expect(forgeTargets({ forges }, [repo('a', 'OWN')], (n) => n === 'A_TOKEN')).toEqual([]);
    expect(forgeTargets({ forges }, [], () => true)).toEqual([]);
  });
});

describe('probeDue: at most every 30 s, never two rounds at once', () => {
  it.each([
    [undefined, false, T0, true],
    [T0, false, T0 + FORGE_PROBE_INTERVAL_MS - 1, false],
    [T0, false, T0 + FORGE_PROBE_INTERVAL_MS, true],
    [T0, true, T0 + 10 * FORGE_PROBE_INTERVAL_MS, false],
    [T0, false, T0 - 1000, true], // the clock went back: probe rather than wait for it
  ])('last started %s, in flight %s, now %s: %s', (last, inFlight, now, due) => {
    expect(probeDue(last, inFlight, now)).toBe(due);
  });
});

describe("forgeState: the decision's forge after a round", () => {
  const okRound = (at: number) => ({ at, results: [{ url: 'https://a', ok: true }] });
  const failRound = (at: number, error = 'network error: ECONNREFUSED') => ({
    at,
    results: [
      { url: 'https://a', ok: true },
      { url: 'https://b', ok: false, error },
    ],
  });

  it('ok when every forge answered; failing names each that did not, since the round that found it', () => {
    expect(forgeState(undefined, okRound(T0))).toEqual({ ok: true, since: iso(T0) });
    expect(forgeState({ ok: true, since: iso(T0) }, failRound(T0 + 30_000))).toEqual({
      ok: false,
      since: iso(T0 + 30_000),
      error: 'https://b: network error: ECONNREFUSED',
    });
  });

  it('since holds while the state does, even when the error text changes; it moves when the state flips', () => {
    const failing = { ok: false, since: iso(T0), error: 'https://b: network error: ECONNREFUSED' };
    expect(forgeState(failing, failRound(T0 + 60_000, 'no answer within 5s'))).toEqual({
      ok: false,
      since: iso(T0),
      error: 'https://b: no answer within 5s',
    });
    expect(forgeState(failing, okRound(T0 + 90_000))).toEqual({ ok: true, since: iso(T0 + 90_000) });
  });

  it('no round yet keeps the previous decision (a restart keeps its since); nothing to probe: absent', () => {
    const failing = { ok: false, since: iso(T0), error: 'x' };
    expect(forgeState(failing, undefined)).toBe(failing);
    expect(forgeState(undefined, undefined)).toBeUndefined();
    expect(forgeState(failing, { at: T0 + 1, results: [] })).toBeUndefined();
  });

  it('not probing in this process (`node --once`): absent, so a failure restored from the run files does not linger', () => {
    const failing = { ok: false, since: iso(T0), error: 'x' };
    expect(forgeState(failing, undefined, false)).toBeUndefined();
    expect(forgeState(failing, undefined, true)).toBe(failing);
  });
});

describe('forgeEvent: a journal line when the state flips', () => {
  it('the first failure and the recovery are journaled; a first success and a held state are not', () => {
    const failing = { ok: false, since: iso(T0), error: 'https://b: HTTP 502' };
    expect(forgeEvent(undefined, failing)).toEqual({ at: iso(T0), kind: 'forge-unreachable', reason: failing.error });
    expect(forgeEvent({ ok: true, since: iso(T0 - 1) }, failing)?.kind).toBe('forge-unreachable');
    expect(forgeEvent(failing, { ...failing, error: 'other' })).toBeUndefined();
    expect(forgeEvent(failing, { ok: true, since: iso(T0 + 1) })).toMatchObject({ kind: 'forge-reachable' });
    expect(forgeEvent(undefined, { ok: true, since: iso(T0) })).toBeUndefined();
  });
});

describe('nodeCycle reports the forge in its decision and commits when it flips', () => {
  const config = factory({ default: { roles: ['dev'], control: ['halt-files'] } });
  const cycle = (forge: NodeDecision['forge'], prevDecision: NodeDecision | undefined, now: number) =>
    nodeCycle({
      node: 'n1',
      prev: initialPressureState(),
      sample: sample(now),
      policy: { ...config.policy, hold: '0s' },
      roles: config.roles,
      nodeRoles: ['dev'],
      assignments: [],
      control: { overrides: [], halts: [] },
      prevDecision,
      prevRoles: { dev: { state: 'run', source: 'none' } },
      lastCommittedAt: now,
      heartbeatMs: 300_000,
      ...(forge ? { forge } : {}),
      now,
    });

  it('a flip is a change with its journal line; a held state with a new error text is not', () => {
    const first = cycle({ ok: true, since: iso(T0) }, undefined, T0);
    expect(first.decision.forge).toEqual({ ok: true, since: iso(T0) });
    const steady = cycle({ ok: true, since: iso(T0) }, first.decision, T0 + 30_000);
    expect(steady.commit).toBe(false);
    const failing = { ok: false, since: iso(T0 + 60_000), error: 'https://a: HTTP 502' };
    const flipped = cycle(failing, steady.decision, T0 + 60_000);
    expect(flipped.commit).toBe('change');
    expect(flipped.events.map((e) => e.kind)).toEqual(['forge-unreachable']);
    const held = cycle({ ...failing, error: 'https://a: no answer within 5s' }, flipped.decision, T0 + 90_000);
    expect(held.commit).toBe(false);
    expect(held.decision.forge?.error).toBe('https://a: no answer within 5s');
  });
});
