import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import { validateControlRepo } from '../../../src/domain/config/validate.js';
import { planCycle, type Observed } from '../../../src/domain/supervisor/cycle.js';
import { readStateSnapshot, STATE_PATHS } from '../../../src/domain/supervisor/state-files.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');
// disinto's names and a few others; the supervisor is always there and protected.
const NAMES = ['dev', 'reviewer', 'gardener', 'planner', 'predictor', 'architect', 'review', 'builder'];

const roleArb = fc.oneof(
  fc.record({ haltLevel: fc.constantFrom(1, 2, 3) }),
  fc.constant({}),
  fc.constant({ protected: true }),
);
const configArb = fc
  .uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: NAMES.length })
  .chain((names) =>
    fc.record({
      names: fc.constant(names),
      roles: fc.tuple(...names.map(() => roleArb)),
      explicit: fc.option(fc.record({ first: fc.subarray(names), second: fc.subarray(names) }), { nil: undefined }),
    }),
  )
  .map(({ names, roles, explicit }) => {
    const defined: Record<string, object> = { supervisor: { protected: true } };
    names.forEach((n, i) => (defined[n] = roles[i]!));
    const open = (list: string[]) => list.filter((n) => !('protected' in defined[n]!));
    const ciOverload = {
      reviewPending: 3,
      devPending: 6,
      ...(explicit ? { roles: { first: open(explicit.first), second: open(explicit.second) } } : {}),
    };
    return {
      version: 1,
      name: 'prop',
      roles: defined,
      nodes: { default: { roles: Object.keys(defined) } },
      supervisor: { ciOverload },
    };
  });
const queueArb = fc.array(
  fc.record({ pendingCount: fc.integer({ min: 0, max: 9 }), oldestPendingAgeMs: fc.constant(0) }),
  { minLength: 1, maxLength: 12 },
);

describe('CI overload over generated configs', () => {
  it('halts only roles the config names, and every file it commits validates against that config', () => {
    fc.assert(
      fc.property(configArb, queueArb, (raw, queues) => {
        const config = FactoryConfig.parse(raw);
        const factoryText = stringify(raw);
        const files = new Map<string, string | undefined>();
        queues.forEach((ciQueue, i) => {
          const observed: Observed = { repos: [], targets: {}, nodes: [], ciQueue };
          const plan = planCycle({
            config,
            state: readStateSnapshot(files),
            observed,
            now: T0 + i * MIN,
            selfNode: 'n1',
          });
          for (const [path, text] of Object.entries(plan.changes)) files.set(path, text);
          const halted = plan.ci?.halted ?? [];
          for (const role of halted) expect(config.roles[role]?.protected).toBe(false);
          if (ciQueue.pendingCount >= 6 && !raw.supervisor.ciOverload.roles) {
            const levelled = Object.entries(config.roles).filter(([, r]) => r.haltLevel === 1 || r.haltLevel === 2);
            expect(halted.sort()).toEqual(levelled.map(([n]) => n).sort());
          }
          const texts = [
            { path: 'factory.yaml', text: factoryText },
            ...[...files].filter(([p]) => p.endsWith('.yaml')).map(([path, text]) => ({ path, text: text! })),
          ];
          const result = validateControlRepo(texts, { partial: true, now: T0 + i * MIN });
          expect(result.ok ? [] : result.errors).toEqual([]);
        });
        const halts = parse(files.get(STATE_PATHS.halts) ?? 'halts: []').halts as { role: string }[];
        for (const h of halts) expect(Object.keys(config.roles)).toContain(h.role);
      }),
      { numRuns: 60 },
    );
  });

  it('halts reviewer then dev under disinto names from haltLevel alone', () => {
    const config = FactoryConfig.parse({
      version: 1,
      name: 'disinto',
      roles: { dev: { haltLevel: 1 }, reviewer: { haltLevel: 2 }, gardener: {}, supervisor: { protected: true } },
      nodes: { default: { roles: ['dev', 'reviewer', 'gardener', 'supervisor'] } },
      supervisor: { ciOverload: { reviewPending: 3, devPending: 6 } },
    });
    const run = (pendingCount: number) =>
      planCycle({
        config,
        state: readStateSnapshot(new Map()),
        observed: { repos: [], targets: {}, nodes: [], ciQueue: { pendingCount, oldestPendingAgeMs: 0 } },
        now: T0,
        selfNode: 'n1',
      }).ci!;
    expect(run(3).halted).toEqual(['reviewer']);
    expect(run(3).reason).toContain('past the reviewer limit');
    expect(run(7).halted).toEqual(['reviewer', 'dev']);
  });

  it('refuses a ciOverload role list naming an unknown or protected role', () => {
    const text = stringify({
      version: 1,
      name: 'bad',
      roles: { dev: { haltLevel: 1 }, supervisor: { protected: true } },
      nodes: { default: { roles: ['dev', 'supervisor'] } },
      supervisor: { ciOverload: { roles: { first: ['review', 'supervisor'] } } },
    });
    const result = validateControlRepo([{ path: 'factory.yaml', text }], { partial: true });
    expect(result.ok ? [] : result.errors.map((e) => `${e.field}: ${e.message}`)).toEqual([
      'supervisor.ciOverload.roles.first.0: unknown role "review" (roles defines: dev, supervisor)',
      'supervisor.ciOverload.roles.first.1: role "supervisor" is protected and never halted: remove it here',
    ]);
  });
});
