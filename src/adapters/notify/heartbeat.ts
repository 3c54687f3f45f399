// A healthchecks-style ping: something outside the factory notices when the pings stop (the whole factory silent).
import { createHttpClient } from '../http/client.js';
import { HttpError } from '../http/errors.js';

export const HEARTBEAT_TIMEOUT_MS = 5_000;

/** GETs the URL held by `urlEnv`; the problem, if any, for the log (never the URL: it is a secret). Never throws. */
export async function pingHeartbeat(
  urlEnv: string | undefined,
  env: NodeJS.ProcessEnv,
  opts: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<string | undefined> {
  if (urlEnv === undefined) return undefined;
  const url = env[urlEnv];
  if (!url) return `heartbeat: ${urlEnv} is not set`;
  const timeoutMs = opts.timeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  const http = createHttpClient({ retries: 0, timeoutMs, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  try {
    const res = await http.fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  } catch (error) {
    const why = error instanceof HttpError ? (error.kind === 'status' ? `HTTP ${error.status}` : error.kind) : 'failed';
    return `heartbeat ping (${urlEnv}): ${why}`;
  }
}
