// Lease ages on the observer's own monotonic clock: how long since this supervisor saw control/lease
// change (or pushed it itself). Two machines' wall clocks are never compared: a standby whose clock
// runs ahead must not read a live leader's lease as expired, and a leader cut off from the remote
// must stop calling itself leader once its own term has run out, whatever its wall clock says.
import type { Lease, LeasePolicy } from './lease.js';

/** `since`: on the observer's monotonic clock, when the branch was first seen at `sha` (or our push of it began). */
export interface LeaseWatch {
  sha?: string;
  since: number;
  /** what that commit says, for humans and for the holder's name */
  lease?: Lease;
}

/**
 * A new look at the branch. The same sha keeps its age; a new one starts at zero (the change may
 * have landed just now: assuming it older could take a live lease). A `since` in the future (a
 * restart of the monotonic clock: a reboot) starts again at zero too, which only waits longer.
 */
export function watchLease(
  prev: LeaseWatch | undefined,
  seen: { sha?: string; lease?: Lease },
  mono: number,
): LeaseWatch {
  const since = prev && prev.sha === seen.sha && prev.since <= mono ? prev.since : mono;
  return { ...(seen.sha !== undefined ? { sha: seen.sha } : {}), since, ...(seen.lease ? { lease: seen.lease } : {}) };
}

/** Our own push landed: the term runs from before the push began, so it never outlives what the others see. */
export function pushedWatch(sha: string, lease: Lease, startedMono: number): LeaseWatch {
  return { sha, since: startedMono, lease };
}

export function leaseAge(w: LeaseWatch, mono: number): number {
  return Math.max(0, mono - w.since);
}

/**
 * The lease as this observer may judge it: the holder and epoch as written, the expiry moved onto
 * its own wall clock (`now` less the age, plus one term). decideLease's "expired" then means "not
 * seen to change for a whole term", and the wall clocks cancel out.
 */
export function leaseAsObserved(lease: Lease, ageMs: number, now: number, policy: LeasePolicy): Lease {
  return { ...lease, expiresAt: now - ageMs + policy.durationMs };
}

/** Serialised in the clone's private folder, so that --once runs judge ages across runs too. */
export function renderLeaseWatch(w: LeaseWatch): string {
  return `${JSON.stringify(w)}\n`;
}
export function parseLeaseWatch(text: string | undefined): LeaseWatch | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<LeaseWatch>;
    if (typeof v.since !== 'number' || !Number.isFinite(v.since)) return undefined;
    if (v.sha !== undefined && typeof v.sha !== 'string') return undefined;
    return { ...(v.sha !== undefined ? { sha: v.sha } : {}), since: v.since, ...(v.lease ? { lease: v.lease } : {}) };
  } catch {
    return undefined;
  }
}
