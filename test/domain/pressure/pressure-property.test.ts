import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoleConfig } from '../../../src/domain/config/roles-schema.js';
import { decidePressure } from '../../../src/domain/pressure/decide-pressure.js';
import { initialPressureState } from '../../../src/domain/pressure/pressure-state.js';
import { rolesHaltedAtLevel } from '../../../src/domain/pressure/roles-halted.js';
import { defaultPolicy, S, sample } from './pressure-fixtures.js';

// A phase: the same reading for a while, sampled every dt, so conditions can hold and resumes happen.
const phase = fc.record({
  repeat: fc.integer({ min: 1, max: 40 }),
  dt: fc.integer({ min: 1, max: 20 }).map((n) => n * S),
  reading: fc.oneof(
    { weight: 1, arbitrary: fc.constant('none' as const) },
    {
      weight: 8,
      arbitrary: fc.record({
        mem: fc.oneof(
          { weight: 1, arbitrary: fc.constant(Number.NaN) },
          { weight: 9, arbitrary: fc.integer({ min: 0, max: 4000 }) },
        ),
        swap: fc.integer({ min: 0, max: 5000 }),
        disk: fc.integer({ min: 50, max: 100 }),
      }),
    },
  ),
});
type Phase = { repeat: number; dt: number; reading: 'none' | { mem: number; swap: number; disk: number } };
const flatten = (phases: Phase[]) =>
  phases.flatMap((p) => Array.from({ length: p.repeat }, () => ({ dt: p.dt, reading: p.reading })));
const timings = fc.record({
  hold: fc.integer({ min: 0, max: 60 }),
  resumeHold: fc.integer({ min: 0, max: 300 }),
  stabilisation: fc.integer({ min: 0, max: 600 }),
});
const roleConfig = fc.oneof(
  fc.constant(RoleConfig.parse({ protected: true })),
  fc.constantFrom(1, 2, 3).map((haltLevel) => RoleConfig.parse({ haltLevel })),
  fc.constant(RoleConfig.parse({})),
);
const roles = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), roleConfig, { maxKeys: 6 });

describe('decidePressure properties', () => {
  it('the level never drops by more than one per stabilisation window, never on missing data, and protected roles never halt', () => {
    const seen = { rises: 0, drops: 0 };
    fc.assert(
      fc.property(
        timings,
        fc.array(phase, { minLength: 1, maxLength: 60 }).map(flatten),
        roles,
        (t, steps, roleSet) => {
          const policy = defaultPolicy({
            hold: `${t.hold}s`,
            resumeHold: `${t.resumeHold}s`,
            stabilisation: `${t.stabilisation}s`,
          });
          let state = initialPressureState();
          let now = 0;
          let lastChangeAt = Number.NEGATIVE_INFINITY;
          for (const { dt, reading } of steps) {
            now += dt;
            const s = reading === 'none' ? undefined : sample(now, reading);
            const decision = decidePressure(state, s, policy, now);
            const from = state.level;
            const to = decision.level;
            expect(decision.changed).toBe(from !== to);
            if (to < from) {
              expect(to).toBe(from - 1);
              expect(now - lastChangeAt).toBeGreaterThanOrEqual(t.stabilisation * S);
              expect(s !== undefined && Number.isFinite(s.memAvailableMb)).toBe(true);
            }
            if (to !== from) lastChangeAt = now;
            if (to > from) seen.rises += 1;
            if (to < from) seen.drops += 1;
            for (const name of rolesHaltedAtLevel(to, roleSet)) expect(roleSet[name]!.protected).toBe(false);
            expect(JSON.parse(JSON.stringify(decision.state))).toEqual(decision.state);
            state = decision.state;
          }
        },
      ),
      { numRuns: 300 },
    );
    // The generator must really exercise halts and resumes, or the property says nothing.
    expect(seen.rises).toBeGreaterThan(100);
    expect(seen.drops).toBeGreaterThan(100);
  });

  it('a level engages only after its condition was seen at least `hold` ago', () => {
    fc.assert(
      fc.property(timings, fc.array(phase, { minLength: 1, maxLength: 40 }).map(flatten), (t, steps) => {
        const policy = defaultPolicy({ hold: `${t.hold}s` });
        let state = initialPressureState();
        let now = 0;
        for (const { dt, reading } of steps) {
          now += dt;
          const decision = decidePressure(state, reading === 'none' ? undefined : sample(now, reading), policy, now);
          if (decision.level > state.level) {
            const since = decision.state.haltSince[String(decision.level) as '1' | '2' | '3'];
            expect(since).not.toBeNull();
            expect(now - since!).toBeGreaterThanOrEqual(t.hold * S);
          }
          state = decision.state;
        }
      }),
      { numRuns: 300 },
    );
  });
});
