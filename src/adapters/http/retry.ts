// When to retry and how long to wait, as pure functions (Octokit plugin-retry's rules).

/** Client errors that a retry cannot fix. */
export const NO_RETRY_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 410, 422, 451]);

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export type Outcome = { status: number } | { error: 'timeout' | 'network' | 'refused' };

/**
 * A non-idempotent write (POST, PATCH) is only repeated when the server cannot have acted on it:
 * a 429 or 503, or a connection that was never established. A timeout or a 500 may hide a label
 * already created, so the next reconcile pass (which lists first) is the safe retry.
 */
export function shouldRetry(method: string, outcome: Outcome): boolean {
  const idempotent = IDEMPOTENT.has(method.toUpperCase());
  if ('status' in outcome) {
    const s = outcome.status;
    if (s < 400 || NO_RETRY_STATUSES.has(s)) return false;
    if (s === 429 || s === 503) return true;
    return s >= 500 && idempotent;
  }
  return outcome.error === 'refused' || idempotent;
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff with full jitter (AWS architecture blog): random in [base*2^n/2, base*2^n], capped. */
export function backoffMs(attempt: number, policy: BackoffPolicy, random: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
