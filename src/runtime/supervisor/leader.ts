// A lease held for one cycle: its renewal fenced into the decisions' atomic push, or pushed alone when due.
import { renewDue, type Lease, type LeasePolicy } from '../../domain/supervisor/lease.js';
import { fenceVerdict, renewedLease, renewVerdict, type LeaderRole } from '../../domain/supervisor/lease-term.js';
import { pushedWatch } from '../../domain/supervisor/lease-watch.js';
import { writeLeaseWatch } from '../../adapters/control-repo/lease-watch.js';
import {
  leaseCommit,
  leaseRefUpdate,
  noteLeasePushed,
  pushLease,
  readLease,
} from '../../adapters/control-repo/lease.js';

/** Thrown from the fence when the lease changed hands: this supervisor's decisions must not land. */
export class LeaseLostError extends Error {}

export interface Leader extends LeaderRole {
  /** for casCommit: the lease renewal pushed atomically with main, on the sha we hold */
  fence(): Promise<{ args: string[]; refspecs: string[] }>;
  /** after a push with the fence landed */
  confirm(): Promise<void>;
  /** a renewal alone when it is due and no decision carried one */
  renewIfDue(): Promise<void>;
}
export interface LeaseAccess {
  dir: string;
  remote: string;
  me: string;
  now: () => number;
  /** the supervisor's monotonic clock: lease ages are measured on it (domain/supervisor/lease-watch.ts) */
  mono: () => number;
  policy: LeasePolicy;
  readTimeoutMs?: number;
}

/**
 * The term as held: `sha` the lease commit on the remote now, `lease` what it says, `view` the same
 * with its expiry on this supervisor's own clock (what renewals are timed by, and what `lease` reports).
 */
export function holdLease(
  at: LeaseAccess,
  held: { sha: string | undefined; lease: Lease; view: Lease },
  acquired: boolean,
  note: string,
): Leader {
  let { sha, lease, view } = held;
  let pending: { sha: string; lease: Lease; startedMono: number } | undefined;
  let retry = false;
  const renewal = async () => {
    const startedMono = at.mono();
    const next = renewedLease(lease, at.me, at.now(), at.policy);
    return { sha: await leaseCommit(at.dir, next), lease: next, startedMono };
  };
  const landed = (next: { sha: string; lease: Lease; startedMono: number }) => {
    ({ sha, lease } = next);
    view = { ...next.lease, expiresAt: at.now() - (at.mono() - next.startedMono) + at.policy.durationMs };
    writeLeaseWatch(at.dir, pushedWatch(next.sha, next.lease, next.startedMono));
  };
  return {
    kind: 'leader',
    get lease() {
      return view;
    },
    acquired,
    note,
    async fence() {
      // The first attempt trusts this cycle's read; a rejected one may mean the lease moved: look again.
      if (retry) {
        const seen = fenceVerdict(sha, await readLease(at.dir, at.remote, at.readTimeoutMs));
        if (seen.kind === 'lost') throw new LeaseLostError(seen.note);
      }
      retry = true;
      pending = await renewal();
      return leaseRefUpdate(sha, pending.sha);
    },
    async confirm() {
      if (!pending) return;
      const next = pending;
      pending = undefined;
      landed(next);
      await noteLeasePushed(at.dir, at.remote, next.sha);
    },
    async renewIfDue() {
      if (!renewDue(view, at.now(), at.policy)) return;
      const next = await renewal();
      const pushed = renewVerdict(await pushLease(at.dir, at.remote, sha, next.sha));
      if (pushed.kind === 'lost') throw new LeaseLostError(pushed.note);
      if (pushed.kind === 'failed') throw new Error(pushed.error);
      landed(next);
    },
  };
}
