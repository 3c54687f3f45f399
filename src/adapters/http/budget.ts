// A rolling-window call budget: Codeberg allows a client ~4,000 requests per 30 minutes, shared by the whole factory.
import { BudgetExhaustedError } from './errors.js';

export interface BudgetStatus {
  limit: number;
  used: number;
  remaining: number;
  windowMs: number;
  /** epoch ms when the oldest counted call leaves the window; undefined when nothing is counted */
  resetAt?: number;
}

export interface CallBudget {
  /** Counts one call, or throws BudgetExhaustedError without counting it. */
  take(now: number): void;
  status(now: number): BudgetStatus;
}

export const DEFAULT_BUDGET_WINDOW_MS = 30 * 60 * 1000;

export function createCallBudget(limit: number, windowMs = DEFAULT_BUDGET_WINDOW_MS): CallBudget {
  const stamps: number[] = []; // ascending call times inside the window

  const prune = (now: number) => {
    while (stamps.length > 0 && (stamps[0] as number) <= now - windowMs) stamps.shift();
  };

  return {
    take(now) {
      prune(now);
      if (stamps.length >= limit) throw new BudgetExhaustedError(limit, windowMs, (stamps[0] ?? now) + windowMs);
      stamps.push(now);
    },
    status(now) {
      prune(now);
      const oldest = stamps[0];
      return {
        limit,
        used: stamps.length,
        remaining: Math.max(0, limit - stamps.length),
        windowMs,
        ...(oldest === undefined ? {} : { resetAt: oldest + windowMs }),
      };
    },
  };
}
