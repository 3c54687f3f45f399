import { describe, expect, it } from 'vitest';
import type { Lease } from '../../../src/domain/supervisor/lease.js';
import {
  acquireVerdict,
  deposedRole,
  fenceVerdict,
  leaseLookAt,
  lostRace,
  renewedLease,
  renewVerdict,
  type LeasePushResult,
  type LeasePushVerdict,
  type LeaseRole,
} from '../../../src/domain/supervisor/lease-term.js';

const SEC = 1000;
const NOW = Date.parse('2026-03-02T08:00:00Z');
const POLICY = { durationMs: 120 * SEC, renewBeforeMs: 60 * SEC };
const held = (holder: string, epoch: number, leftMs: number): Lease => ({ holder, epoch, expiresAt: NOW + leftMs });
const LANDED: LeasePushResult = { ok: true };
const REJECTED: LeasePushResult = { ok: false, rejected: true, error: '! [rejected] (stale info)' };
const UNREACHABLE: LeasePushResult = { ok: false, rejected: false, error: 'Could not resolve host' };

describe('a lease push, judged: held | lost (another supervisor moved it first) | failed (transient)', () => {
  it.each<[string, (p: LeasePushResult) => LeasePushVerdict, LeasePushResult, LeasePushVerdict]>([
    ['acquire landed', acquireVerdict, LANDED, { kind: 'held' }],
    [
      'acquire rejected: lost the race',
      acquireVerdict,
      REJECTED,
      { kind: 'lost', note: 'lost the race for the lease' },
    ],
    [
      'acquire unreachable',
      acquireVerdict,
      UNREACHABLE,
      { kind: 'failed', error: 'cannot push the lease: Could not resolve host' },
    ],
    ['renewal landed', renewVerdict, LANDED, { kind: 'held' }],
    [
      'renewal rejected: deposed',
      renewVerdict,
      REJECTED,
      { kind: 'lost', note: 'lease lost while renewing it: standing by' },
    ],
    [
      'renewal unreachable',
      renewVerdict,
      UNREACHABLE,
      { kind: 'failed', error: 'cannot renew the lease: Could not resolve host' },
    ],
  ])('%s', (_what, judge, push, expected) => {
    expect(judge(push)).toEqual(expected);
  });
});

describe('fenceVerdict: before a retried fenced push, is the lease still the commit we hold?', () => {
  it.each<[string, string | undefined, { sha?: string; lease?: Lease }, ReturnType<typeof fenceVerdict>]>([
    ['unchanged', 'aaa', { sha: 'aaa', lease: held('me', 3, SEC) }, { kind: 'held' }],
    [
      'taken by another',
      'aaa',
      { sha: 'bbb', lease: held('vps-b', 4, 120 * SEC) },
      { kind: 'lost', note: "lease lost to vps-b (epoch 4): this supervisor's decisions were not pushed" },
    ],
    [
      'replaced by a torn file',
      'aaa',
      { sha: 'ccc' },
      { kind: 'lost', note: "lease lost: this supervisor's decisions were not pushed" },
    ],
    ['branch deleted', 'aaa', {}, { kind: 'lost', note: "lease lost: this supervisor's decisions were not pushed" }],
  ])('%s', (_what, sha, seen, expected) => {
    expect(fenceVerdict(sha, seen)).toEqual(expected);
  });
});

describe('the standbys a term can end in', () => {
  it.each<[string, Lease | undefined, Partial<LeaseRole>]>([
    [
      'lost the race to a winner read again',
      held('vps-b', 5, 120 * SEC),
      {
        kind: 'standby',
        holder: 'vps-b',
        epoch: 5,
        expiresAt: NOW + 120 * SEC,
        note: 'lost the race for the lease to vps-b',
      },
    ],
    [
      'lost the race, the winner unreadable: wait for the term we tried',
      undefined,
      {
        kind: 'standby',
        holder: 'another supervisor',
        epoch: 5,
        expiresAt: NOW + 100 * SEC,
        note: 'lost the race for the lease to another supervisor',
      },
    ],
  ])('%s', (_what, winner, expected) => {
    expect(lostRace(winner, held('me', 5, 100 * SEC))).toEqual(expected);
  });
  it('deposed while pushing: a standby of unknown term that looks again at once', () => {
    const role = deposedRole('lease lost to vps-b (epoch 4)', NOW);
    expect(role).toEqual({
      kind: 'standby',
      holder: 'another supervisor',
      epoch: 0,
      expiresAt: NOW,
      note: 'lease lost to vps-b (epoch 4)',
    });
    expect(leaseLookAt(role, POLICY, NOW)).toBe(NOW);
  });
});

describe('renewedLease: always a later expiry (a ref left as it was would skip the compare-and-swap)', () => {
  it.each<[string, Lease, number]>([
    ['a full duration from now', held('me', 3, 30 * SEC), NOW + 120 * SEC],
    ['renewed twice in the same millisecond: one ms later', held('me', 3, 120 * SEC), NOW + 120 * SEC + 1],
    ['a clock that went back: still later than the term held', held('me', 3, 500 * SEC), NOW + 500 * SEC + 1],
  ])('%s', (_what, lease, expiresAt) => {
    expect(renewedLease(lease, 'me', NOW, POLICY)).toEqual({ holder: 'me', epoch: 3, expiresAt });
  });
});

describe('leaseLookAt: when the loop looks at the lease again', () => {
  it.each<[string, LeaseRole, typeof POLICY, number]>([
    ['solo: never', { kind: 'solo' }, POLICY, Infinity],
    [
      'standby: when the lease expires, if that comes before a quarter of the renewal margin',
      { kind: 'standby', holder: 'vps-b', epoch: 2, expiresAt: NOW + 10 * SEC, note: '' },
      POLICY,
      NOW + 10 * SEC,
    ],
    [
      'standby: every quarter of the renewal margin, to see a renewal soon after it lands',
      { kind: 'standby', holder: 'vps-b', epoch: 2, expiresAt: NOW + 45 * SEC, note: '' },
      POLICY,
      NOW + 15 * SEC,
    ],
    [
      'leader: at its renewal margin',
      { kind: 'leader', lease: held('me', 2, 120 * SEC), acquired: false, note: '' },
      POLICY,
      NOW + 60 * SEC,
    ],
    [
      'leader with a margin past the duration: at half of it',
      { kind: 'leader', lease: held('me', 2, 120 * SEC), acquired: true, note: '' },
      { durationMs: 120 * SEC, renewBeforeMs: 300 * SEC },
      NOW + 60 * SEC,
    ],
  ])('%s', (_what, role, policy, at) => {
    expect(leaseLookAt(role, policy, NOW)).toBe(at);
  });
});
