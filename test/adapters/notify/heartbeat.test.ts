import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingHeartbeat } from '../../../src/adapters/notify/heartbeat.js';
import { startHttpRecorder, type HttpRecorder } from '../../support/http-recorder.js';

let hc: HttpRecorder;
beforeAll(async () => void (hc = await startHttpRecorder()));
afterAll(async () => void (await hc.close()));

describe('pingHeartbeat: a healthchecks-style GET, from a URL named by an environment variable', () => {
  it('GETs the URL; nothing to say when it answered', async () => {
    expect(await pingHeartbeat('HC_URL', { HC_URL: `${hc.url}/ping/abc` })).toBeUndefined();
    expect(hc.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /ping/abc']);
  });
  it('no variable configured: no ping; unset or failing: a line for the log without the URL', async () => {
    expect(await pingHeartbeat(undefined, {})).toBeUndefined();
    expect(await pingHeartbeat('HC_URL', {})).toBe('heartbeat: HC_URL is not set');
    hc.answers.push(503);
    expect(await pingHeartbeat('HC_URL', { HC_URL: `${hc.url}/ping/secret` })).toBe(
      'heartbeat ping (HC_URL): HTTP 503',
    );
    hc.answers.push('hang');
    expect(await pingHeartbeat('HC_URL', { HC_URL: hc.url }, { timeoutMs: 300 })).toMatch(
      /^heartbeat ping \(HC_URL\): /,
    );
  });
});
