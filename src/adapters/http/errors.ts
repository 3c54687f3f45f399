import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';

export type HttpFailureKind = 'status' | 'timeout' | 'network';

const SECRET_QUERY_KEYS = /^(token|access_token|sudo|client_secret|password|secret)$/i;

/** A URL fit for logs and error messages: no userinfo, no token-bearing query values (Octokit RequestError). */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.username || u.password) {
      u.username = '[REDACTED]';
      u.password = '';
    }
    for (const key of [...u.searchParams.keys()]) {
      if (SECRET_QUERY_KEYS.test(key)) u.searchParams.set(key, '[REDACTED]');
    }
    return u.toString();
  } catch {
    return raw.replace(/(token|access_token)=[^&]*/gi, '$1=[REDACTED]');
  }
}

/** A failed call, keeping what is needed to diagnose it and nothing secret. status 0 = no HTTP answer. */
export class HttpError extends FactoryError {
  readonly url: string;
  constructor(
    readonly status: number,
    readonly method: string,
    url: string,
    readonly kind: HttpFailureKind,
    readonly attempts: number,
    readonly body?: string,
    options?: { cause?: unknown },
  ) {
    const safeUrl = redactUrl(url);
    const what = kind === 'status' ? `HTTP ${status}` : kind === 'timeout' ? 'timed out' : 'network error';
    const detail = body ? `: ${body.slice(0, 200)}` : '';
    super(`${method} ${safeUrl} ${what}${detail}`, status === 401 || status === 403 ? EXIT.NOPERM : EXIT.UNAVAILABLE);
    this.url = safeUrl;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** The rolling call budget is spent: waiting, not failing (look again after resetAt). */
export class BudgetExhaustedError extends FactoryError {
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** epoch ms when the oldest counted call leaves the window */
    readonly resetAt: number,
  ) {
    super(
      `API call budget exhausted: ${limit} calls per ${Math.round(windowMs / 60000)} min; next call allowed at ${new Date(resetAt).toISOString()}`,
      EXIT.TEMPFAIL,
    );
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof HttpError && e.status === 404;
}
