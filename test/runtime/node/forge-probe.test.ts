// The node's forge probes in the background: a cycle never waits for one, rounds are at most every
// 30 s, only forges with a token set here, and what a round found is in the next cycle's decision.
import { describe, expect, it } from 'vitest';
import type { VersionProbe, VersionProbeOutcome } from '../../../src/adapters/forge/version-probe.js';
import { nodeHarness, T0 } from './node-harness.js';

const S = 1000;
const iso = (t: number) => new Date(t).toISOString();

/** A probe whose answers the test gives, one per call, when it wants. */
function heldProbe() {
  const calls: { url: string; token: string; signal?: AbortSignal; answer: (o: VersionProbeOutcome) => void }[] = [];
  const probe: VersionProbe = (url, token, signal) =>
    new Promise((resolve) => {
      calls.push({ url, token, ...(signal ? { signal } : {}), answer: resolve });
      signal?.addEventListener('abort', () => resolve({ ok: false, error: 'aborted' }));
    });
  return { probe, calls };
}

const forgeOpts = (probe: VersionProbe, env: Record<string, string> = { FORGE_TOKEN: 't0k3n' }) => ({
  forge: {
    forges: {
      emu: { url: 'http://forge.test/', tokenEnv: 'FORGE_TOKEN' },
      other: { url: 'http://other.test', tokenEnv: 'OTHER_TOKEN' },
    },
    repos: [
      { slug: 'acme/app', forge: 'emu' },
      { slug: 'acme/lib', forge: 'other' },
    ],
    env,
    probe,
  },
});

describe('forge probes beside the node cycle', () => {
  it('a cycle does not wait for a probe in flight; the next cycle records what it found, once, as a change', async () => {
    const held = heldProbe();
    const h = await nodeHarness(forgeOpts(held.probe));
    await h.daemon.cycle();
    const round = h.daemon.probeForges();
    // Only the forge whose token is set here, with its token value.
    expect(held.calls.map((c) => [c.url, c.token])).toEqual([['http://forge.test', 't0k3n']]);

    h.clock.now += 5 * S;
    const during = await h.daemon.cycle();
    expect(h.records.at(-1)!.decision.forge).toBeUndefined();
    expect(during.events.map((e) => e.kind)).toEqual([]);

    held.calls[0]!.answer({ ok: false, error: 'network error: ECONNREFUSED' });
    await round;
    h.clock.now += 5 * S;
    const after = await h.daemon.cycle();
    expect(h.records.at(-1)!.decision.forge).toEqual({
      ok: false,
      since: iso(T0 + 5 * S),
      error: 'http://forge.test: network error: ECONNREFUSED',
    });
    expect(after.commit).toBe('change');
    expect(after.events.map((e) => [e.kind, e.reason])).toEqual([
      ['forge-unreachable', 'http://forge.test: network error: ECONNREFUSED'],
    ]);
    const committed = h.commits.at(-1)!.update.decision;
    expect(committed.forge?.ok).toBe(false);

    // Later cycles on the same round say the same, and commit nothing new for it.
    h.clock.now += 5 * S;
    const again = await h.daemon.cycle();
    expect(again.commit).toBe(false);
    expect(h.records.at(-1)!.decision.forge?.since).toBe(iso(T0 + 5 * S));
  });

  it('a round at most every 30 s, never two at once; recovery keeps nothing of the failure but the journal line', async () => {
    const held = heldProbe();
    const h = await nodeHarness(forgeOpts(held.probe));
    const first = h.daemon.probeForges();
    h.clock.now += 40 * S;
    void h.daemon.probeForges(); // the first still in flight: no second round
    expect(held.calls).toHaveLength(1);
    held.calls[0]!.answer({ ok: false, error: 'HTTP 502' });
    await first;
    await h.daemon.cycle();
    h.clock.now += 10 * S;
    void h.daemon.probeForges(); // 50 s after the first started: due
    expect(held.calls).toHaveLength(2);
    held.calls[1]!.answer({ ok: true, version: '11.0.15' });
    await h.daemon.probeForges();
    h.clock.now += 10 * S;
    void h.daemon.probeForges(); // 10 s after the second: not due
    expect(held.calls).toHaveLength(2);
    const back = await h.daemon.cycle();
    expect(h.records.at(-1)!.decision.forge).toEqual({ ok: true, since: iso(T0 + 50 * S) });
    expect(back.events.map((e) => e.kind)).toEqual(['forge-reachable']);
  });

  it('no forge token set on this node: nothing probed, and the decision says nothing of the forge', async () => {
    const held = heldProbe();
    const h = await nodeHarness(forgeOpts(held.probe, {}));
    await h.daemon.probeForges();
    await h.daemon.cycle();
    expect(held.calls).toEqual([]);
    expect(h.records.at(-1)!.decision).not.toHaveProperty('forge');
  });

  it('at shutdown a probe in flight is aborted and its answer recorded nowhere', async () => {
    const held = heldProbe();
    const h = await nodeHarness(forgeOpts(held.probe));
    const round = h.daemon.probeForges();
    h.daemon.stopProbes();
    await round;
    expect(held.calls[0]!.signal?.aborted).toBe(true);
    await h.daemon.cycle();
    expect(h.records.at(-1)!.decision).not.toHaveProperty('forge');
  });
});
