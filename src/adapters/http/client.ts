// The one way factoryctl talks HTTP: time-bounded, retried, throttled and budgeted. Pass an instance in; no globals.
import { createCallBudget, type BudgetStatus, type CallBudget } from './budget.js';
import { HttpError, redactUrl } from './errors.js';
import { backoffMs, parseRetryAfter, shouldRetry, type BackoffPolicy, type Outcome } from './retry.js';
import { createSemaphore } from './semaphore.js';

export interface HttpTiming {
  now(): number;
  /** waits between attempts; tests inject one that records and returns at once */
  sleep(ms: number): Promise<void>;
  random(): number;
}

export interface HttpLogEvent {
  method: string;
  url: string; // redacted
  attempt: number;
  status?: number;
  error?: string;
  ms: number;
}

export interface HttpClientOptions {
  fetch?: typeof fetch;
  /** per attempt, ms (default 10 s) */
  timeoutMs?: number;
  /** extra attempts after the first (default 3) */
  retries?: number;
  backoff?: BackoffPolicy;
  /** a longer Retry-After fails the call instead of stalling the loop (default 120 s) */
  maxRetryAfterMs?: number;
  /** simultaneous requests in flight (default 4) */
  concurrency?: number;
  budget?: CallBudget | { limit: number; windowMs?: number };
  timing?: Partial<HttpTiming>;
  log?: (e: HttpLogEvent) => void;
  /** the caller's clock, that servers' Date headers are measured against (default timing.now) */
  clock?: () => number;
}

export interface HttpStats {
  /** requests sent (attempts, as the server counts them), GET/HEAD */
  reads: number;
  /** requests sent with any other method */
  writes: number;
  retries: number;
  failures: number;
  budget: BudgetStatus;
  /**
   * The server's clock less ours, bounded from below by its Date headers (whole seconds, stamped
   * before the answer reached us, so the server's time is never earlier than the header): the
   * largest such bound of the last answers. undefined: no answer carried a Date.
   */
  clockOffsetMs?: number;
}

export interface HttpClient {
  /** fetch-compatible (usable as gitea-js customFetch); a final non-2xx answer throws HttpError */
  fetch: typeof fetch;
  stats(): HttpStats;
}

const realTiming: HttpTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const transport = opts.fetch ?? globalThis.fetch;
  const timing: HttpTiming = { ...realTiming, ...opts.timing };
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const retries = opts.retries ?? 3;
  const backoff = opts.backoff ?? { baseMs: 500, maxMs: 30_000 };
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
  const semaphore = createSemaphore(opts.concurrency ?? 4);
  const budget =
    opts.budget && 'take' in opts.budget
      ? opts.budget
      : createCallBudget(opts.budget?.limit ?? 400, opts.budget?.windowMs);
  const counts = { reads: 0, writes: 0, retries: 0, failures: 0 };
  const clock = opts.clock ?? (() => timing.now());
  const offsets: number[] = [];
  const noteDate = (response: Response) => {
    const at = Date.parse(response.headers.get('date') ?? '');
    if (Number.isNaN(at)) return;
    offsets.push(at - clock());
    if (offsets.length > 16) offsets.shift();
  };

  async function attemptOnce(
    url: string,
    init: RequestInit,
    method: string,
  ): Promise<{ outcome: Outcome; response?: Response; cause?: unknown }> {
    budget.take(timing.now());
    if (method === 'GET' || method === 'HEAD') counts.reads++;
    else counts.writes++;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal;
    try {
      const response = await transport(url, { ...init, signal });
      noteDate(response);
      return { outcome: { status: response.status }, response };
    } catch (cause) {
      if (init.signal?.aborted) throw cause; // the caller gave up: not ours to retry
      if (timeout.signal.aborted) return { outcome: { error: 'timeout' }, cause };
      const code = (cause as { cause?: { code?: string } })?.cause?.code;
      return { outcome: { error: code === 'ECONNREFUSED' ? 'refused' : 'network' }, cause };
    } finally {
      clearTimeout(timer);
    }
  }

  async function call(input: Parameters<typeof fetch>[0], init: RequestInit = {}): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    for (let attempt = 0; ; attempt++) {
      const started = timing.now();
      const { outcome, response, cause } = await semaphore.run(() => attemptOnce(url, init, method));
      const status = 'status' in outcome ? outcome.status : 0;
      opts.log?.({
        method,
        url: redactUrl(url),
        attempt,
        ...(status ? { status } : { error: (outcome as { error: string }).error }),
        ms: timing.now() - started,
      });
      if (response?.ok) return response;

      let waitMs: number | undefined;
      if (attempt < retries && shouldRetry(method, outcome)) {
        const retryAfter = parseRetryAfter(response?.headers.get('retry-after'), timing.now());
        waitMs = retryAfter ?? backoffMs(attempt, backoff, timing.random());
        if (waitMs > maxRetryAfterMs) waitMs = undefined;
      }
      if (waitMs === undefined) {
        counts.failures++;
        const body = response ? await response.text().catch(() => '') : undefined;
        const kind = 'status' in outcome ? 'status' : outcome.error === 'timeout' ? 'timeout' : 'network';
        throw new HttpError(status, method, url, kind, attempt + 1, body, { cause });
      }
      await response?.body?.cancel().catch(() => undefined); // free the socket before waiting
      counts.retries++;
      await timing.sleep(waitMs);
    }
  }

  return {
    fetch: call as typeof fetch,
    stats: () => ({
      ...counts,
      budget: budget.status(timing.now()),
      ...(offsets.length > 0 ? { clockOffsetMs: Math.max(...offsets) } : {}),
    }),
  };
}
