import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl } from '../../support/closed-port.js';
import { createVersionProbe } from '../../../src/adapters/forge/version-probe.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../../support/emulator/index.js';
import { startHttpRecorder, type HttpRecorder } from '../../support/http-recorder.js';

let emu: Emulator;
let other: HttpRecorder;
beforeAll(async () => {
  emu = await startEmulator();
  other = await startHttpRecorder();
});
afterAll(async () => {
  await other.close();
  await emu.close();
  await assertAllExchangesMatchSpec(emu);
});

describe('the forge version probe: GET /api/v1/version, one attempt, bounded', () => {
  it("answers the emulator's version, asking /api/v1/version with the token as Forgejo documents it", async () => {
    const probe = createVersionProbe({ timeoutMs: 5_000 });
    expect(await probe(`${emu.forgejoUrl}/`, emu.forgejoToken)).toEqual({ ok: true, version: '11.0.15+gitea-1.22.0' });
    const asked = emu.exchanges.filter((e) => e.route === 'GET /version');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ path: '/api/v1/version', status: 200 });
  });

  it('a forge answering 502 fails with the status, once: the next round is the retry', async () => {
    emu.faults.add({ api: 'forgejo', route: 'GET /version', status: 502, times: 5 });
    const before = emu.count({ route: 'GET /version' });
    const probe = createVersionProbe({ timeoutMs: 5_000 });
    expect(await probe(emu.forgejoUrl, emu.forgejoToken)).toEqual({ ok: false, error: 'HTTP 502' });
    expect(emu.count({ route: 'GET /version' })).toBe(before + 1);
    emu.faults.clear();
  });

  it('a forge that hangs fails at the bound', async () => {
    emu.faults.add({ api: 'forgejo', route: 'GET /version', hang: true, times: 1 });
    const probe = createVersionProbe({ timeoutMs: 300 });
    const started = Date.now();
    expect(await probe(emu.forgejoUrl, emu.forgejoToken)).toEqual({ ok: false, error: 'no answer within 300ms' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a closed port fails as refused, naming no token', async () => {
    const probe = createVersionProbe({ timeoutMs: 5_000 });
    const outcome = await probe(await closedPortUrl(), 'secret-token-value');
    expect(outcome).toEqual({ ok: false, error: 'network error: ECONNREFUSED' });
  });

  it('a server that is not a Forgejo API fails, saying so', async () => {
    const probe = createVersionProbe({ timeoutMs: 5_000 });
    expect(await probe(other.url, 't')).toEqual({
      ok: false,
      error: 'answered 200 without a version: not a Forgejo API',
    });
    expect(other.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', '/api/v1/version', 'token t'],
    ]);
  });

  it('a probe aborted by its caller ends at once', async () => {
    emu.faults.add({ api: 'forgejo', route: 'GET /version', hang: true, times: 1 });
    const probe = createVersionProbe({ timeoutMs: 5_000 });
    const abort = new AbortController();
    const pending = probe(emu.forgejoUrl, emu.forgejoToken, abort.signal);
    abort.abort();
    expect(await pending).toMatchObject({ ok: false });
  });
});
