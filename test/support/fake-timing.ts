// A clock that only moves when the code under test sleeps (or the test advances it): no real waiting.
import type { HttpTiming } from '../../src/adapters/http/client.js';

export interface FakeTiming extends HttpTiming {
  sleeps: number[];
  advance(ms: number): void;
}

export function fakeTiming(start = Date.UTC(2026, 0, 1), random = 1): FakeTiming {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    random: () => random,
    advance: (ms) => void (t += ms),
  };
}
