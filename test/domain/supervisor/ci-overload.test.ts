import { describe, expect, it } from 'vitest';
import { CiOverload } from '../../../src/domain/config/supervisor-schema.js';
import {
  decideCiOverload,
  type CiOverloadState,
  type CiQueueObservation,
} from '../../../src/domain/supervisor/ci-overload.js';
import {
  ciOverloadStateFromHalts,
  withCiOverloadHalts,
  CI_OVERLOAD_BY,
} from '../../../src/domain/supervisor/ci-overload-halts.js';
import { ciHaltRoles } from '../../../src/domain/supervisor/ci-overload-roles.js';

const MIN = 60_000;
const T0 = Date.parse('2025-03-01T08:00:00Z');
// review halts at 10 pending or 30m, dev at 20 or 1h, resume below half of each.
const CFG = CiOverload.parse({});
const ROLES = ciHaltRoles(CFG, { dev: { haltLevel: 1 }, review: { haltLevel: 2 }, supervisor: { protected: true } });
const q = (pendingCount: number, oldestMin = 1): CiQueueObservation => ({
  pendingCount,
  oldestPendingAgeMs: oldestMin * MIN,
});
const FAILED: CiQueueObservation = { error: 'woodpecker: 503 Service Unavailable' };

/** Feeds one observation a minute and returns the halted roles after each. */
function run(observations: CiQueueObservation[], hold = 0, start?: CiOverloadState) {
  let state = start;
  return observations.map((obs, i) => {
    const d = decideCiOverload(state, obs, CFG, T0 + i * MIN, { roles: ROLES, resumeHoldMs: hold });
    state = d.state;
    return { halted: d.halted.join('+') || '-', changed: d.changed, reason: d.reason, missing: d.dataMissing };
  });
}

describe('decideCiOverload', () => {
  it.each<[string, CiQueueObservation[], string[]]>([
    ['quiet queue', [q(0), q(3), q(9)], ['-', '-', '-']],
    ['review limit reached', [q(9), q(10)], ['-', 'review']],
    ['dev limit jumps straight to both', [q(0), q(25)], ['-', 'review+dev']],
    ['old pending pipeline alone halts review', [q(1, 29), q(1, 30)], ['-', 'review']],
    ['very old pending pipeline halts dev', [q(1, 61)], ['review+dev']],
    // hysteresis: under the limit but above half of it keeps the halt
    [
      'no resume between resume threshold and limit',
      [q(12), q(9), q(6), q(5), q(4)],
      ['review', 'review', 'review', 'review', '-'],
    ],
    [
      'resume in reverse order, one level per decision',
      [q(25), q(15), q(9), q(0), q(0)],
      ['review+dev', 'review+dev', 'review', '-', '-'],
    ],
    [
      'oscillating around the limit does not flap',
      [q(10), q(9), q(10), q(9), q(10), q(9)],
      ['review', 'review', 'review', 'review', 'review', 'review'],
    ],
    ['age must drain too', [q(2, 35), q(2, 20), q(2, 14)], ['review', 'review', '-']],
  ])('%s', (_name, observations, expected) => {
    expect(run(observations).map((r) => r.halted)).toEqual(expected);
  });

  it('missing data never resumes and never newly halts; it says so', () => {
    const r = run([q(12), FAILED, FAILED, q(0), undefined, q(0)]);
    expect(r.map((x) => x.halted)).toEqual(['review', 'review', 'review', '-', '-', '-']);
    expect(r[1]).toMatchObject({ changed: false, missing: true });
    expect(r[1]!.reason).toBe(
      'CI queue unknown (woodpecker: 503 Service Unavailable): keeping the previous decision, review halted factory-wide',
    );
    expect(run([q(0), FAILED, undefined]).map((x) => x.halted)).toEqual(['-', '-', '-']);
  });

  it('holds a resume until the queue stays drained for the hold time; missing data restarts the hold', () => {
    const r = run([q(12), q(0), q(0), FAILED, q(0), q(0), q(0)], 2 * MIN);
    expect(r.map((x) => x.halted)).toEqual(['review', 'review', 'review', 'review', 'review', 'review', '-']);
    expect(r[2]!.reason).toContain('for 1m of 2m');
  });

  it('changes only when the decision changes, with a reason that carries the figures', () => {
    const r = run([q(12, 3), q(11), q(3, 2)]);
    expect(r.map((x) => x.changed)).toEqual([true, false, true]);
    expect(r[0]!.reason).toBe(
      'CI queue past the review limit (12 pending, the oldest waiting 3m; limit 10 pending or 30m): review halted factory-wide',
    );
    expect(r[2]!.reason).toBe(
      'CI queue drained (3 pending, the oldest waiting 2m; below 5 pending and 15m): review resumes',
    );
  });

  it('round-trips through halts.yaml and leaves other halts alone', () => {
    const other = { role: 'dev', node: 'vps2', reason: 'disk', by: 'alice', since: '2025-03-01T07:00:00Z' };
    const d = decideCiOverload(undefined, q(30), CFG, T0, { roles: ROLES });
    const halts = withCiOverloadHalts([other], d.state, ROLES);
    expect(halts.map((h) => [h.role, h.by])).toEqual([
      ['dev', 'alice'],
      ['review', CI_OVERLOAD_BY],
      ['dev', CI_OVERLOAD_BY],
    ]);
    const back = ciOverloadStateFromHalts(halts, ROLES)!;
    expect(back).toEqual({ level: 2, reason: d.state.reason, since: T0 });
    const resumed = decideCiOverload(back, q(0), CFG, T0 + MIN, { roles: ROLES });
    expect(withCiOverloadHalts(halts, resumed.state, ROLES).map((h) => h.role)).toEqual(['dev', 'review']);
    expect(ciOverloadStateFromHalts([other], ROLES)).toBeUndefined();
  });
});
