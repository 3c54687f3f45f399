import { describe, expect, it } from 'vitest';
import {
  decideLease,
  nextLeaseLook,
  parseLease,
  renderLease,
  type Lease,
  type LeaseDecision,
} from '../../../src/domain/supervisor/lease.js';

const SEC = 1000;
const NOW = Date.parse('2026-03-02T08:00:00Z');
const POLICY = { durationMs: 120 * SEC, renewBeforeMs: 60 * SEC };
const held = (holder: string, epoch: number, leftMs: number): Lease => ({ holder, epoch, expiresAt: NOW + leftMs });

describe('decideLease: (observed lease, me, now) -> acquire | renew | standby', () => {
  it.each<[string, Lease | undefined, { action: LeaseDecision['action']; epoch: number; due?: boolean }]>([
    ['no lease yet: take it as epoch 1', undefined, { action: 'acquire', epoch: 1 }],
    ['ours, plenty left: renew, not due', held('me', 3, 90 * SEC), { action: 'renew', epoch: 3, due: false }],
    ['ours, at the renewal margin: due', held('me', 3, 60 * SEC), { action: 'renew', epoch: 3, due: true }],
    ['ours, a second left: due', held('me', 3, SEC), { action: 'renew', epoch: 3, due: true }],
    ['ours but expired: re-taken as a new term', held('me', 3, 0), { action: 'acquire', epoch: 4 }],
    ["another's, valid: stand by", held('vps-b', 7, SEC), { action: 'standby', epoch: 7 }],
    ["another's, expiring this very ms: take it over", held('vps-b', 7, 0), { action: 'acquire', epoch: 8 }],
    ["another's, long expired: take it over", held('vps-b', 7, -3_600 * SEC), { action: 'acquire', epoch: 8 }],
  ])('%s', (_what, observed, expected) => {
    const d = decideLease(observed, 'me', NOW, POLICY);
    expect(d.action).toBe(expected.action);
    if (d.action === 'standby') {
      expect(d.epoch).toBe(expected.epoch);
      expect(d.holder).toBe(observed!.holder);
    } else {
      expect(d.lease).toEqual({ holder: 'me', epoch: expected.epoch, expiresAt: NOW + POLICY.durationMs });
      if (d.action === 'renew') expect(d.due).toBe(expected.due);
    }
    expect(d.reason.length).toBeGreaterThan(0);
  });

  it('caps a renewal margin at or past the duration at half of it, so a fresh lease is not renewed at once', () => {
    const policy = { durationMs: 120 * SEC, renewBeforeMs: 300 * SEC };
    expect(decideLease(held('me', 1, 61 * SEC), 'me', NOW, policy)).toMatchObject({ action: 'renew', due: false });
    expect(decideLease(held('me', 1, 60 * SEC), 'me', NOW, policy)).toMatchObject({ action: 'renew', due: true });
  });

  it.each<[string, Lease | undefined, number]>([
    ['a leader looks again at its renewal margin', held('me', 2, 90 * SEC), NOW + POLICY.durationMs - 60 * SEC],
    ['a standby looks again when the lease expires', held('vps-b', 2, 45 * SEC), NOW + 45 * SEC],
  ])('%s', (_what, observed, at) => {
    expect(nextLeaseLook(decideLease(observed, 'me', NOW, POLICY), NOW, POLICY)).toBe(at);
  });
});

describe('lease.json', () => {
  it('reads back what it writes', () => {
    const l = held('vps-a', 12, 120 * SEC);
    expect(parseLease(renderLease(l))).toEqual(l);
  });
  it.each([
    ['empty', ''],
    ['torn', '{"holder":"vps-a","ep'],
    ['foreign', '{"holder":1,"epoch":2,"expiresAt":"x"}'],
    ['fractional epoch', '{"holder":"a","epoch":1.5,"expiresAt":"2026-03-02T08:00:00Z"}'],
  ])('%s reads as no lease (the CAS still guards the ref)', (_what, text) => {
    expect(parseLease(text)).toBeUndefined();
  });
});
