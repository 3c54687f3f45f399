import { describe, expect, it } from 'vitest';
import { decideLease, type Lease } from '../../../src/domain/supervisor/lease.js';
import { roleUnseen } from '../../../src/domain/supervisor/lease-term.js';
import {
  leaseAge,
  leaseAsObserved,
  parseLeaseWatch,
  pushedWatch,
  renderLeaseWatch,
  watchLease,
} from '../../../src/domain/supervisor/lease-watch.js';

const SEC = 1000;
const NOW = Date.parse('2026-03-02T08:00:00Z');
const POLICY = { durationMs: 120 * SEC, renewBeforeMs: 60 * SEC };
/** the other machine's clock runs an hour behind ours: its expiry reads as long past */
const theirs: Lease = { holder: 'vps-a', epoch: 3, expiresAt: NOW - 3_600 * SEC };

describe('watchLease: a lease ages on the observer’s own clock from when it saw the sha change', () => {
  it('the same sha keeps its age; a new one starts at zero; a clock that went back starts again', () => {
    const first = watchLease(undefined, { sha: 's1', lease: theirs }, 1_000);
    expect(first).toEqual({ sha: 's1', since: 1_000, lease: theirs });
    expect(watchLease(first, { sha: 's1', lease: theirs }, 50_000).since).toBe(1_000);
    expect(watchLease(first, { sha: 's2', lease: theirs }, 50_000).since).toBe(50_000);
    expect(watchLease(first, { sha: 's1', lease: theirs }, 500).since).toBe(500);
    expect(leaseAge(first, 31_000)).toBe(30_000);
  });

  it('a standby whose clock runs ahead of the holder’s does not take a lease it saw change just now', () => {
    const w = watchLease(undefined, { sha: 's1', lease: theirs }, 7);
    const view = leaseAsObserved(theirs, leaseAge(w, 7 + 119 * SEC), NOW, POLICY);
    expect(decideLease(view, 'vps-b', NOW, POLICY)).toMatchObject({ action: 'standby', holder: 'vps-a' });
    const later = leaseAsObserved(theirs, leaseAge(w, 7 + 120 * SEC), NOW, POLICY);
    expect(decideLease(later, 'vps-b', NOW, POLICY)).toMatchObject({ action: 'acquire', lease: { epoch: 4 } });
  });

  it('our own push: the term runs from before it began', () => {
    expect(pushedWatch('s9', theirs, 42)).toEqual({ sha: 's9', since: 42, lease: theirs });
  });

  it('reads back what it writes; torn or foreign text reads as nothing seen', () => {
    const w = watchLease(undefined, { sha: 's1', lease: theirs }, 5);
    expect(parseLeaseWatch(renderLeaseWatch(w))).toEqual(w);
    expect(parseLeaseWatch('{"sha":"s1","si')).toBeUndefined();
    expect(parseLeaseWatch('{"since":"yesterday"}')).toBeUndefined();
    expect(parseLeaseWatch(undefined)).toBeUndefined();
  });
});

describe('roleUnseen: the lease cannot be read; the role as our own clock judges what we last saw', () => {
  const ours: Lease = { holder: 'me', epoch: 5, expiresAt: NOW + 3_600 * SEC };
  const w = pushedWatch('s5', ours, 0);
  it('a leader inside its term stays leader, whatever expiry its file says', () => {
    expect(roleUnseen(w, 'me', 100 * SEC, NOW, POLICY)).toMatchObject({
      kind: 'leader',
      lease: { epoch: 5, expiresAt: NOW + 20 * SEC },
    });
  });
  it('a leader not renewed within its term: a standby, saying when its lease lapsed', () => {
    const role = roleUnseen(w, 'me', 130 * SEC, NOW, POLICY);
    expect(role).toEqual({
      kind: 'standby',
      holder: 'me',
      epoch: 5,
      expiresAt: NOW - 10 * SEC,
      lapsedAt: NOW - 10 * SEC,
      note: 'lease lapsed at 2026-03-02T07:59:50.000Z: not renewed within its term, deciding nothing',
    });
  });
  it('a standby stays one; nothing seen, nothing to say', () => {
    expect(roleUnseen(watchLease(undefined, { sha: 's', lease: theirs }, 0), 'me', SEC, NOW, POLICY)).toMatchObject({
      kind: 'standby',
      holder: 'vps-a',
    });
    expect(roleUnseen(undefined, 'me', SEC, NOW, POLICY)).toBeUndefined();
  });
});
