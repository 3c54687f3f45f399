import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { drainOutbox } from '../../../src/runtime/alerts/outbox.js';
import { AlertsConfig } from '../../../src/domain/config/alerts-schema.js';
import type { OutboxEntry } from '../../../src/domain/config/alerts-state-schema.js';
import { startHttpRecorder, type HttpRecorder } from '../../support/http-recorder.js';
import { notification } from '../../support/notification.js';

let flaky: HttpRecorder;
let steady: HttpRecorder;
beforeAll(async () => {
  [flaky, steady] = await Promise.all([startHttpRecorder(), startHttpRecorder()]);
});
beforeEach(() => {
  for (const r of [flaky, steady]) (r.requests.splice(0), r.answers.splice(0));
});
afterAll(async () => void (await Promise.all([flaky.close(), steady.close()])));

const T0 = Date.parse('2026-12-02T10:00:30Z');
const config = () =>
  AlertsConfig.parse({
    receivers: {
      flaky: { type: 'webhook', url: `${flaky.url}/f` },
      steady: { type: 'webhook', format: 'ntfy', url: `${steady.url}/s` },
    },
  });
const entry = (receiver: string, id = `n-${receiver}`): OutboxEntry => ({
  notification: notification({ id, receiver }),
  attempts: 0,
  nextAttemptAt: new Date(T0).toISOString(),
});
const deps = { env: {}, timeoutMs: 5_000 };

describe('drainOutbox: each receiver on its own, failures retried with back-off', () => {
  it('a webhook that fails three times (500) then recovers gets the notification exactly once', async () => {
    flaky.answers.push(500, 500, 500);
    let outbox = [entry('flaky')];
    let now = T0;
    const seen: { attempts: number; nextAttemptAt: string; lastError?: string | undefined }[] = [];
    for (let look = 0; look < 12 && outbox.length > 0; look++) {
      outbox = await drainOutbox(outbox, config(), deps, now);
      if (outbox[0]) seen.push({ ...outbox[0] });
      // a look before the back-off is over tries nothing
      const early = await drainOutbox(outbox, config(), deps, now + 1);
      expect(early).toEqual(outbox);
      now = outbox[0] ? Date.parse(outbox[0].nextAttemptAt) : now;
    }
    expect(outbox).toEqual([]);
    expect(flaky.requests).toHaveLength(4);
    expect(seen.map((s) => s.attempts)).toEqual([1, 2, 3]);
    expect(seen.map((s) => s.lastError)).toEqual(Array(3).fill('webhook: HTTP 500'));
    // 30 s doubling
    expect(
      seen.map((s, i) => Date.parse(s.nextAttemptAt) - (i === 0 ? T0 : Date.parse(seen[i - 1]!.nextAttemptAt))),
    ).toEqual([30_000, 60_000, 120_000]);
  });

  it('a receiver that hangs is cut off by the bound, and the others still get theirs', async () => {
    flaky.answers.push('hang');
    const delivered: string[] = [];
    const left = await drainOutbox(
      [entry('flaky'), entry('steady')],
      config(),
      {
        env: {},
        timeoutMs: 2_000,
        onDelivered: (n) => delivered.push(n.receiver),
      },
      T0,
    );
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ attempts: 1, notification: { receiver: 'flaky' } });
    expect(left[0]!.lastError).toBeDefined();
    expect(delivered).toEqual(['steady']);
    expect(steady.requests).toHaveLength(1);
    expect(steady.requests[0]!.headers.title).toBe('[FIRING] node vps2 is down');
  });

  it('an entry whose receiver left the config is dropped; one not yet due is kept as it was', async () => {
    const later = { ...entry('steady'), nextAttemptAt: new Date(T0 + 60_000).toISOString(), attempts: 2 };
    expect(await drainOutbox([entry('gone'), later], config(), deps, T0)).toEqual([later]);
    expect(steady.requests).toHaveLength(0);
  });
});
