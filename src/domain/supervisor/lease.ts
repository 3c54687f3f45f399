// Leader election on branch control/lease: which supervisor may write main. The compare-and-swap
// push makes at most one holder win each epoch; this only decides what to try.
import { parseDuration } from '../duration.js';
import type { SupervisorConfig } from '../config/supervisor-schema.js';

export interface Lease {
  holder: string;
  /** raised on every change of holder (and on re-taking an expired lease): a leader's term */
  epoch: number;
  expiresAt: number;
}
export interface LeasePolicy {
  durationMs: number;
  renewBeforeMs: number;
}
export type LeaseDecision =
  /** take a lease that is free or expired, as a new epoch */
  | { action: 'acquire'; lease: Lease; reason: string }
  /** keep ours; `due` when a renewal must be pushed even with no decision to carry it */
  | { action: 'renew'; lease: Lease; due: boolean; reason: string }
  /** another supervisor leads: observe, commit nothing */
  | { action: 'standby'; holder: string; epoch: number; expiresAt: number; reason: string };

const iso = (ms: number) => new Date(ms).toISOString();

export function leasePolicy(s: Pick<SupervisorConfig, 'lease'>): LeasePolicy {
  return { durationMs: parseDuration(s.lease.duration), renewBeforeMs: parseDuration(s.lease.renewBefore) };
}

/** How long before expiry a leader renews: a margin at or past the duration would renew on every look, so at most half. */
export function renewMargin(policy: LeasePolicy): number {
  return Math.min(policy.renewBeforeMs, policy.durationMs / 2);
}

/** A held lease must be renewed now, even with no decision to carry the renewal. */
export function renewDue(lease: Lease, now: number, policy: LeasePolicy): boolean {
  return lease.expiresAt - now <= renewMargin(policy);
}

/**
 * (lease as read, me, now) -> what to push. An expired lease is taken as a new epoch even by its
 * old holder: between expiry and the push another supervisor may have decided as leader, so the
 * old term must not simply continue.
 */
export function decideLease(observed: Lease | undefined, me: string, now: number, policy: LeasePolicy): LeaseDecision {
  const fresh = (epoch: number): Lease => ({ holder: me, epoch, expiresAt: now + policy.durationMs });
  if (!observed) return { action: 'acquire', lease: fresh(1), reason: 'no lease yet: taking it' };
  if (observed.expiresAt <= now) {
    const whose = observed.holder === me ? 'our own lease' : `${observed.holder}'s lease`;
    return {
      action: 'acquire',
      lease: fresh(observed.epoch + 1),
      reason: `${whose} (epoch ${observed.epoch}) expired at ${iso(observed.expiresAt)}: taking it`,
    };
  }
  if (observed.holder === me) {
    return {
      action: 'renew',
      lease: fresh(observed.epoch),
      due: renewDue(observed, now, policy),
      reason: `leader (epoch ${observed.epoch}), lease until ${iso(observed.expiresAt)}`,
    };
  }
  return {
    action: 'standby',
    holder: observed.holder,
    epoch: observed.epoch,
    expiresAt: observed.expiresAt,
    reason: `${observed.holder} leads (epoch ${observed.epoch}) until ${iso(observed.expiresAt)}`,
  };
}

/** When to look at a lease expiring at `expiresAt` again: its leader before it must renew, a standby when it may take over. */
export function lookAgainAt(expiresAt: number, leading: boolean, policy: LeasePolicy): number {
  return leading ? expiresAt - renewMargin(policy) : expiresAt;
}

/** The same for a decision just made: never in the past. */
export function nextLeaseLook(d: LeaseDecision, now: number, policy: LeasePolicy): number {
  return Math.max(
    now,
    d.action === 'standby' ? lookAgainAt(d.expiresAt, false, policy) : lookAgainAt(d.lease.expiresAt, true, policy),
  );
}

/** The lease file's text, and back; a foreign or torn file reads as no lease (the CAS still guards it). */
export function renderLease(l: Lease): string {
  return `${JSON.stringify({ holder: l.holder, epoch: l.epoch, expiresAt: iso(l.expiresAt) }, null, 2)}\n`;
}
export function parseLease(text: string | undefined): Lease | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { holder?: unknown; epoch?: unknown; expiresAt?: unknown };
    const expiresAt = typeof v.expiresAt === 'string' ? Date.parse(v.expiresAt) : NaN;
    if (
      typeof v.holder !== 'string' ||
      typeof v.epoch !== 'number' ||
      !Number.isInteger(v.epoch) ||
      Number.isNaN(expiresAt)
    )
      return undefined;
    return { holder: v.holder, epoch: v.epoch, expiresAt };
  } catch {
    return undefined;
  }
}
