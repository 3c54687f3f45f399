import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverNotification } from '../../../src/adapters/notify/deliver.js';
import { ReceiverConfig } from '../../../src/domain/config/receivers-schema.js';
import { startHttpRecorder, type HttpRecorder } from '../../support/http-recorder.js';
import { alertView, notification } from '../../support/notification.js';

let hook: HttpRecorder;
const dir = mkdtempSync(join(tmpdir(), 'factoryctl-notify-'));
const deps = (env: NodeJS.ProcessEnv = {}) => ({ env, timeoutMs: 5_000 });
beforeAll(async () => void (hook = await startHttpRecorder()));
beforeEach(() => void hook.requests.splice(0));
afterAll(async () => {
  await hook.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('webhook receiver, against a real HTTP server on loopback', () => {
  it('ntfy: Title, Priority and Tags headers, the text in the body, the header values from env names', async () => {
    const r = ReceiverConfig.parse({
      type: 'webhook',
      format: 'ntfy',
      urlEnv: 'NTFY_URL',
      headersEnv: { Authorization: 'NTFY_AUTH' },
    });
    const out = await deliverNotification(
      notification(),
      r,
      deps({ NTFY_URL: `${hook.url}/factory`, NTFY_AUTH: 'Bearer tk' }),
    );
    expect(out).toEqual({ ok: true });
    expect(hook.requests).toHaveLength(1);
    const [req] = hook.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/factory' });
    expect(req!.headers).toMatchObject({
      title: '[FIRING] node vps2 is down',
      priority: '5',
      tags: 'rotating_light,node-down',
      authorization: 'Bearer tk',
    });
    expect(req!.body).toContain('node vps2 is down\nno heartbeat from vps2');
  });

  it('ntfy: a resolved notification at default priority, tagged as done', async () => {
    const r = ReceiverConfig.parse({ type: 'webhook', format: 'ntfy', url: hook.url });
    const resolved = notification({ alerts: [alertView({ status: 'resolved', endsAt: '2026-12-02T10:20:00Z' })] });
    await deliverNotification(resolved, r, deps());
    expect(hook.requests[0]!.headers).toMatchObject({
      title: '[RESOLVED] node vps2 is down',
      priority: '3',
      tags: 'white_check_mark,node-down',
    });
  });

  it('json: the notification itself as the body', async () => {
    const r = ReceiverConfig.parse({ type: 'webhook', url: `${hook.url}/hook` });
    const n = notification();
    expect(await deliverNotification(n, r, deps())).toEqual({ ok: true });
    expect(hook.requests[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hook.requests[0]!.body)).toEqual(n);
  });

  it('an answer of 500 is a failure that names the status and never the URL (it may be a secret)', async () => {
    hook.answers.push(500);
    const r = ReceiverConfig.parse({ type: 'webhook', urlEnv: 'HOOK' });
    const out = await deliverNotification(notification(), r, deps({ HOOK: `${hook.url}/secret-topic` }));
    expect(out).toEqual({ ok: false, error: 'webhook: HTTP 500' });
    expect(hook.requests).toHaveLength(1);
  });

  it('a receiver that never answers is cut off by the bound', async () => {
    hook.answers.push('hang');
    const r = ReceiverConfig.parse({ type: 'webhook', url: hook.url });
    const out = await deliverNotification(notification(), r, { env: {}, timeoutMs: 300 });
    expect(out.ok).toBe(false);
    expect(hook.requests).toHaveLength(1);
  });

  it('a URL variable that is not set fails with its name', async () => {
    const r = ReceiverConfig.parse({ type: 'webhook', urlEnv: 'NOT_SET_HERE' });
    expect(await deliverNotification(notification(), r, deps())).toEqual({
      ok: false,
      error: 'webhook: NOT_SET_HERE is not set',
    });
  });
});

describe('command receiver, a real process', () => {
  it('gets the notification as JSON on stdin and its gist in variables; exit 0 is delivered', async () => {
    const out = join(dir, 'got.json');
    const script = `cat > ${out}; echo "$FACTORY_ALERT_STATUS $FACTORY_ALERT_RECEIVER $FACTORY_ALERT_COUNT" >> ${out}.env`;
    const r = ReceiverConfig.parse({ type: 'command', command: '/bin/sh', args: ['-c', script] });
    const n = notification();
    expect(await deliverNotification(n, r, deps(process.env))).toEqual({ ok: true });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(n);
    expect(readFileSync(`${out}.env`, 'utf8')).toBe('firing phone 1\n');
  });

  it('a non-zero exit is a failure with the last line it printed', async () => {
    const r = ReceiverConfig.parse({
      type: 'command',
      command: '/bin/sh',
      args: ['-c', 'echo "no route to pager" >&2; exit 3'],
    });
    expect(await deliverNotification(notification(), r, deps(process.env))).toEqual({
      ok: false,
      error: 'command /bin/sh: exit 3: no route to pager',
    });
  });

  it('one that hangs is killed at the bound', async () => {
    const r = ReceiverConfig.parse({ type: 'command', command: '/bin/sh', args: ['-c', 'sleep 60'] });
    const out = await deliverNotification(notification(), r, { env: process.env, timeoutMs: 300 });
    expect(out.ok).toBe(false);
  });
});
