import { Policy, type PolicyOverride } from '../../../src/domain/config/policy-schema.js';
import { decidePressure, type PressureDecision } from '../../../src/domain/pressure/decide-pressure.js';
import { initialPressureState, type PressureState } from '../../../src/domain/pressure/pressure-state.js';
import type { Sample } from '../../../src/domain/pressure/sample.js';

export const S = 1000;
export const M = 60 * S;

/** The defaults of issue 3, written out so a test reads its own numbers. */
export const defaultPolicy = (extra: Partial<Record<keyof PolicyOverride, unknown>> = {}): Policy =>
  Policy.parse({ sampleInterval: '5s', hold: '30s', resumeHold: '2m', stabilisation: '5m', ...extra });

export interface Reading {
  mem?: number;
  swap?: number;
  disk?: number;
  load1?: number;
}

/** A healthy 8 GB, 2-core machine unless told otherwise; NaN stands for a failed read. */
export function sample(at: number, r: Reading = {}): Sample {
  return {
    at,
    memAvailableMb: r.mem ?? 6000,
    memTotalMb: 8000,
    swapUsedMb: r.swap ?? 0,
    disks:
      r.disk === undefined
        ? [{ mount: '/', usedPercent: 40, freeMb: 30_000 }]
        : Number.isNaN(r.disk)
          ? []
          : [{ mount: '/', usedPercent: r.disk, freeMb: 1000 }],
    load1: r.load1 ?? 0.5,
    cores: 2,
  };
}

/** One step of a scenario: from `from` (inclusive) to `to` (exclusive), a sample every 5 s with these readings. */
export interface Phase {
  from: number;
  to: number;
  reading?: Reading | 'none';
}

export interface Tick {
  at: number;
  decision: PressureDecision;
}

/** Runs phases through decidePressure, sampling every `every` ms, and returns every decision. */
export function run(
  policy: Policy,
  phases: Phase[],
  start: PressureState = initialPressureState(),
  every = 5 * S,
): Tick[] {
  const ticks: Tick[] = [];
  let state = start;
  for (const phase of phases) {
    for (let at = phase.from; at < phase.to; at += every) {
      const s = phase.reading === 'none' ? undefined : sample(at, phase.reading);
      const decision = decidePressure(state, s, policy, at);
      ticks.push({ at, decision });
      state = decision.state;
    }
  }
  return ticks;
}

/** The moments the level changed, as [time, level]. */
export const changes = (ticks: Tick[]): [number, number][] =>
  ticks.filter((t) => t.decision.changed).map((t) => [t.at, t.decision.level]);
export const last = (ticks: Tick[]): Tick => ticks[ticks.length - 1]!;
