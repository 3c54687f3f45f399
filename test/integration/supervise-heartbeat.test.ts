import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpRecorder, type HttpRecorder } from '../support/http-recorder.js';
import {
  startDaemon,
  startSuperviseFixture,
  until,
  type Daemon,
  type SuperviseFixture,
} from '../support/supervise-fixture.js';

describe('the leader pings the heartbeat URL after each cycle that lands', () => {
  let fx: SuperviseFixture;
  let hc: HttpRecorder;
  let daemon: Daemon | undefined;
  beforeAll(async () => {
    hc = await startHttpRecorder();
    fx = await startSuperviseFixture([], (yaml) => `${yaml}alerts:\n  watch: { heartbeatUrlEnv: HEARTBEAT_URL }\n`);
  });
  afterAll(async () => {
    if (daemon) expect(await daemon.stop(), daemon.lines.join('\n')).toBe(0);
    await fx.cleanup();
    await hc.close();
  });

  it('a real supervise daemon, leading: a GET reaches the heartbeat receiver', async () => {
    daemon = startDaemon(fx.supervisorDir, [], { ...fx.env, HEARTBEAT_URL: `${hc.url}/ping/factory-uuid` });
    await until(() => hc.requests.length > 0 || undefined, 60_000, 'a heartbeat ping');
    expect(hc.requests[0]).toMatchObject({ method: 'GET', path: '/ping/factory-uuid' });
    expect(daemon.lines.join('\n')).not.toMatch(/heartbeat/);
  });
});
