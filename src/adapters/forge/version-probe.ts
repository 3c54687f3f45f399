// Can this machine reach a forge? GET /api/v1/version through the one HTTP client, one attempt,
// time-bounded. No gitea-js nor zod: the node daemon runs this and keeps neither resident.
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../http/client.js';
import { HttpError } from '../http/errors.js';

export type VersionProbeOutcome = { ok: true; version: string } | { ok: false; error: string };

export interface VersionProbe {
  /** `token`: the value, sent as Forgejo's `Authorization: token`; never in the outcome. */
  (baseUrl: string, token: string, signal?: AbortSignal): Promise<VersionProbeOutcome>;
}

/**
 * One client for every probe of this process (its call budget spans rounds). A probe is one
 * attempt: the next round, 30 s on, is the retry.
 */
export function createVersionProbe(opts: { timeoutMs: number } & Partial<HttpClientOptions>): VersionProbe {
  const http: HttpClient = createHttpClient({ retries: 0, budget: { limit: 200 }, concurrency: 4, ...opts });
  return async (baseUrl, token, signal) => {
    const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/version`;
    try {
      const response = await http.fetch(url, {
        headers: { Accept: 'application/json', Authorization: `token ${token}` },
        ...(signal ? { signal } : {}),
      });
      const text = await response.text();
      let version: unknown;
      try {
        version = (JSON.parse(text) as { version?: unknown }).version;
      } catch {
        version = undefined;
      }
      if (typeof version !== 'string')
        return { ok: false, error: `answered ${response.status} without a version: not a Forgejo API` };
      return { ok: true, version };
    } catch (error) {
      return { ok: false, error: probeError(error, opts.timeoutMs) };
    }
  };
}

/** Short and secret-free: what the alert says (the URL is named beside it by the caller). */
export function probeError(error: unknown, timeoutMs: number): string {
  if (error instanceof HttpError) {
    if (error.kind === 'status') return `HTTP ${error.status}`;
    if (error.kind === 'timeout')
      return `no answer within ${timeoutMs % 1000 === 0 ? `${timeoutMs / 1000}s` : `${timeoutMs}ms`}`;
    const cause = (error as { cause?: { cause?: { code?: string; message?: string }; message?: string } }).cause;
    const code = cause?.cause?.code;
    return code ? `network error: ${code}` : `network error: ${cause?.cause?.message ?? cause?.message ?? 'unknown'}`;
  }
  return (error as Error)?.message ?? String(error);
}
