import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createForgejoClient } from '../../../src/adapters/forge/forgejo.js';
import { createHttpClient, type HttpClientOptions } from '../../../src/adapters/http/client.js';
import { BudgetExhaustedError, HttpError } from '../../../src/adapters/http/errors.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../../support/emulator/index.js';
import { fakeTiming } from '../../support/fake-timing.js';

let emu: Emulator;
const LABELS = 'GET /repos/{owner}/{repo}/labels';

beforeAll(async () => {
  emu = await startEmulator();
  emu.forgejo.createRepo('acme/app');
  emu.forgejo.createLabel('acme/app', { name: 'bug', color: 'ff0000' });
});
afterEach(() => emu.faults.clear());
afterAll(async () => {
  await emu.close();
  await assertAllExchangesMatchSpec(emu);
});

function setup(opts: HttpClientOptions = {}) {
  const timing = fakeTiming();
  const http = createHttpClient({ timing, ...opts });
  const forge = createForgejoClient({ baseUrl: emu.forgejoUrl, tokenEnv: 'T', env: { T: emu.forgejoToken }, http });
  const before = emu.count({ route: LABELS });
  return { timing, http, forge, served: () => emu.count({ route: LABELS }) - before };
}

describe('HTTP client against the emulator', () => {
  it('waits out a 429 Retry-After (seconds) and then succeeds', async () => {
    const { timing, forge, served, http } = setup();
    emu.faults.add({ route: LABELS, status: 429, retryAfter: '7', times: 1 });
    expect(await forge.listLabels('acme/app')).toHaveLength(1);
    expect(timing.sleeps).toEqual([7000]);
    expect(served()).toBe(2);
    expect(http.stats()).toMatchObject({ reads: 2, writes: 0, retries: 1, failures: 0 });
  });

  it('waits out a 429 Retry-After given as an HTTP date', async () => {
    const { timing, forge } = setup();
    emu.faults.add({ route: LABELS, status: 429, retryAfter: new Date(timing.now() + 42_000).toUTCString(), times: 1 });
    await forge.listLabels('acme/app');
    expect(timing.sleeps).toEqual([42_000]);
  });

  it('fails instead of stalling when Retry-After is beyond the bound', async () => {
    const { timing, forge, served } = setup({ maxRetryAfterMs: 60_000 });
    emu.faults.add({ route: LABELS, status: 429, retryAfter: '3600', times: 1 });
    await expect(forge.listLabels('acme/app')).rejects.toMatchObject({ status: 429 });
    expect(timing.sleeps).toEqual([]);
    expect(served()).toBe(1);
  });

  it('backs off exponentially on 5xx and gives up after the retries', async () => {
    const { timing, forge, served } = setup({ retries: 3, backoff: { baseMs: 100, maxMs: 10_000 } });
    emu.faults.add({ route: LABELS, status: 500 });
    const err = await forge.listLabels('acme/app').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 500, attempts: 4, kind: 'status' });
    expect(timing.sleeps).toEqual([100, 200, 400]);
    expect(served()).toBe(4);
  });

  it('recovers when the 5xx stops', async () => {
    const { timing, forge } = setup({ backoff: { baseMs: 100, maxMs: 10_000 } });
    emu.faults.add({ route: LABELS, status: 503, times: 2 });
    expect(await forge.listLabels('acme/app')).toHaveLength(1);
    expect(timing.sleeps).toEqual([100, 200]);
  });

  it.each([
    ['404 (unknown repository)', 'acme/missing', 404],
    ['401 (wrong token)', 'acme/locked', 401],
  ])('does not retry a %s', async (_what, repo, status) => {
    emu.forgejo.createRepo('acme/locked', { token: 'another' });
    const { timing, forge, served } = setup();
    await expect(forge.listLabels(repo)).rejects.toMatchObject({ status });
    expect(timing.sleeps).toEqual([]);
    expect(served()).toBe(1);
  });

  it('does not repeat a POST after a 500 (it may have been applied), but does after a 503', async () => {
    const route = 'POST /repos/{owner}/{repo}/labels';
    const { forge } = setup();
    const before = emu.count({ route });
    emu.faults.add({ route, status: 500, times: 1 });
    await expect(forge.createLabel('acme/app', { name: 'x', color: '#000000', description: '' })).rejects.toMatchObject(
      { status: 500 },
    );
    expect(emu.count({ route }) - before).toBe(1);
    emu.faults.add({ route, status: 503, times: 1 });
    await forge.createLabel('acme/app', { name: 'y', color: '#000000', description: '' });
    expect(emu.count({ route }) - before).toBe(3);
  });

  it('times out a hanging call within its bound', async () => {
    const { forge } = setup({ timeoutMs: 300, retries: 0 });
    emu.faults.add({ route: LABELS, hang: true, times: 1 });
    const started = Date.now();
    const err = await forge.listLabels('acme/app').catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', status: 0, method: 'GET' });
    // The emulator never answers: only the client's own timer ends the call. A loose bound, not a latency claim.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('retries a GET after a hang and succeeds', async () => {
    const { forge, served } = setup({ timeoutMs: 300 });
    emu.faults.add({ route: LABELS, hang: true, times: 1 });
    expect((await forge.listLabels('acme/app')).map((l) => l.name)).toContain('bug');
    expect(served()).toBe(2);
  });

  it('stops at the call budget without sending, and reports used/remaining', async () => {
    const { timing, forge, served, http } = setup({ budget: { limit: 3, windowMs: 30 * 60_000 } });
    for (let i = 0; i < 3; i++) await forge.listLabels('acme/app');
    await expect(forge.listLabels('acme/app')).rejects.toBeInstanceOf(BudgetExhaustedError);
    expect(served()).toBe(3);
    expect(http.stats().budget).toMatchObject({ limit: 3, used: 3, remaining: 0 });
    timing.advance(30 * 60_000);
    await forge.listLabels('acme/app');
    expect(http.stats().budget).toMatchObject({ used: 1, remaining: 2 });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const { forge } = setup({ concurrency: 3 });
    const start = emu.exchanges.length;
    emu.faults.add({ route: LABELS, latencyMs: 80 });
    await Promise.all(Array.from({ length: 10 }, () => forge.listLabels('acme/app')));
    const mine = emu.exchanges.slice(start);
    expect(mine).toHaveLength(10);
    const edges = mine
      .flatMap(
        (e) =>
          [
            [e.startedAt, 1],
            [e.startedAt + (e.ms ?? 0), -1],
          ] as const,
      )
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let inFlight = 0;
    let peak = 0;
    for (const [, d] of edges) peak = Math.max(peak, (inFlight += d));
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});
