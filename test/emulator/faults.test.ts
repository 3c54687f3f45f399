import { describe, expect, it } from 'vitest';
import { assertAllExchangesMatchSpec, startEmulator } from '../support/emulator/index.js';

const get = (url: string, token: string, scheme = 'token') =>
  fetch(url, { headers: { Authorization: `${scheme} ${token}` } });

describe('emulator faults and log', () => {
  it('applies a fault to the next N requests of one repository only, and logs every exchange', async () => {
    const lines: string[] = [];
    const emu = await startEmulator({ onLine: (l) => lines.push(l) });
    emu.forgejo.createRepo('a/one');
    emu.forgejo.createRepo('a/two');
    emu.faults.add({ repo: 'a/one', status: 429, retryAfter: '3', times: 2 });
    const one = `${emu.forgejoUrl}/api/v1/repos/a/one/labels`;
    const two = `${emu.forgejoUrl}/api/v1/repos/a/two/labels`;
    const statuses = [];
    for (const url of [one, two, one, one]) {
      const res = await get(url, emu.forgejoToken);
      statuses.push([res.status, res.headers.get('retry-after')]);
    }
    expect(statuses).toEqual([
      [429, '3'],
      [200, null],
      [429, '3'],
      [200, null],
    ]);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/\[forgejo\] GET \/api\/v1\/repos\/a\/one\/labels -> 429 \(fault #1\)/);
    expect(emu.count({ api: 'forgejo', writes: false })).toBe(4);
    expect(emu.exchanges.every((e) => !JSON.stringify(e).includes(emu.forgejoToken))).toBe(true);
    await emu.close();
    await assertAllExchangesMatchSpec(emu);
  });

  it('holds a hung request until the emulator closes', async () => {
    const emu = await startEmulator();
    emu.woodpecker.createRepo('h/ang');
    emu.faults.add({ api: 'woodpecker', route: 'GET /queue/info', hang: true });
    let settled = false;
    const pending = get(`${emu.woodpeckerUrl}/api/queue/info`, emu.woodpeckerToken, 'Bearer').then(
      () => (settled = true),
      () => (settled = true),
    );
    const deadline = Date.now() + 5_000;
    while (emu.exchanges.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(emu.exchanges).toHaveLength(1);
    expect(settled).toBe(false);
    expect(emu.exchanges[0]?.status).toBeUndefined();
    await emu.close();
    await pending;
    expect(settled).toBe(true);
    await assertAllExchangesMatchSpec(emu);
  });

  it('adds latency per route without changing the answer', async () => {
    const emu = await startEmulator();
    emu.woodpecker.createRepo('l/at');
    emu.faults.add({ route: 'GET /queue/info', latencyMs: 50 });
    const res = await get(`${emu.woodpeckerUrl}/api/queue/info`, emu.woodpeckerToken, 'Bearer');
    expect(res.status).toBe(200);
    expect(emu.exchanges[0]?.ms).toBeGreaterThanOrEqual(45);
    await emu.close();
    await assertAllExchangesMatchSpec(emu);
  });
});
