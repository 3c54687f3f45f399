// A receiver that failed is tried again later, each time later still, so a dead webhook costs little.
export interface RetryPolicy {
  firstMs: number;
  maxMs: number;
}
export const RECEIVER_RETRY: RetryPolicy = { firstMs: 30_000, maxMs: 600_000 };

/** The wait after the `attempts`-th failure (1 = the first): 30 s doubling, at most 10 m. */
export function retryDelayMs(attempts: number, policy: RetryPolicy = RECEIVER_RETRY): number {
  const exp = Math.max(0, attempts - 1);
  return Math.min(policy.maxMs, policy.firstMs * 2 ** Math.min(exp, 30));
}
