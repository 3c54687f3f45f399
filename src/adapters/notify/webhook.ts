// A webhook POST: ntfy's headers and text body, or the notification as JSON for anything else.
import { ntfyMessage } from '../../domain/alerts/notify-format.js';
import type { WebhookReceiver } from '../../domain/config/receivers-schema.js';
import { createHttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';
import type { Deliver } from './deliver.js';

export const deliverToWebhook: Deliver<WebhookReceiver> = async (n, r, deps, signal) => {
  const url = r.url ?? deps.env[r.urlEnv ?? ''];
  if (!url) return { ok: false, error: `webhook: ${r.urlEnv} is not set` };
  const headers: Record<string, string> = {};
  for (const [name, envName] of Object.entries(r.headersEnv)) {
    const value = deps.env[envName];
    if (value === undefined) return { ok: false, error: `webhook: ${envName} (header ${name}) is not set` };
    headers[name] = value;
  }
  let body: string;
  if (r.format === 'ntfy') {
    const m = ntfyMessage(n);
    Object.assign(headers, m.headers, { 'Content-Type': 'text/plain; charset=utf-8' });
    body = m.body;
  } else {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(n);
  }
  // One attempt: the outbox retries with back-off, and its bound covers the whole delivery.
  const http = createHttpClient({
    retries: 0,
    timeoutMs: deps.timeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  try {
    const res = await http.fetch(url, { method: 'POST', headers, body, signal });
    await res.body?.cancel().catch(() => undefined);
    return { ok: true };
  } catch (error) {
    // The URL may be a secret (an ntfy topic): never in the error, which is committed with the outbox.
    if (error instanceof HttpError)
      return { ok: false, error: `webhook: ${error.kind === 'status' ? `HTTP ${error.status}` : error.kind}` };
    return { ok: false, error: signal.aborted ? 'webhook: cut off' : 'webhook: network error' };
  }
};
