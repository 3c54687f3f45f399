// Which supervisor may write main this cycle: the lease on control/lease, taken or renewed with a
// compare-and-swap push, and renewed again in the same atomic push as the leader's decisions.
import { parseDuration } from '../../domain/duration.js';
import type { SupervisorConfig } from '../../domain/config/supervisor-schema.js';
import { decideLease, type Lease, type LeasePolicy } from '../../domain/supervisor/lease.js';
import { leaseCommit, leaseRefUpdate, noteLeasePushed, pushLease, readLease } from '../../adapters/control-repo/lease.js';
import { controlRemote } from '../../adapters/git/remote.js';

/** Thrown from the fence when the lease changed hands: this supervisor's decisions must not land. */
export class LeaseLostError extends Error {}

export interface Leader {
  kind: 'leader';
  lease: Lease;
  /** this cycle took the lease (a new epoch) rather than renewing its own */
  acquired: boolean;
  note: string;
  /** for casCommit: the lease renewal pushed atomically with main, on the sha we hold */
  fence(): Promise<{ args: string[]; refspecs: string[] }>;
  /** after a push with the fence landed */
  confirm(): Promise<void>;
  /** a renewal alone when it is due and no decision carried one */
  renewIfDue(): Promise<void>;
}
export interface Standby {
  kind: 'standby';
  holder: string;
  epoch: number;
  expiresAt: number;
  note: string;
}
export type Leadership = { kind: 'solo' } | Leader | Standby;

export function leasePolicy(s: Pick<SupervisorConfig, 'lease'>): LeasePolicy {
  return { durationMs: parseDuration(s.lease.duration), renewBeforeMs: parseDuration(s.lease.renewBefore) };
}

/** Reads the lease and takes or keeps it; throws UnavailableError when it cannot be read. */
export async function takeLead(dir: string, remote: string, me: string, now: () => number, policy: LeasePolicy): Promise<Leader | Standby> {
  const observed = await readLease(dir, remote);
  const d = decideLease(observed.lease, me, now(), policy);
  if (d.action === 'standby') return { kind: 'standby', holder: d.holder, epoch: d.epoch, expiresAt: d.expiresAt, note: d.reason };
  let held = observed.sha;
  let lease = observed.lease ?? d.lease;
  if (d.action === 'acquire') {
    const sha = await leaseCommit(dir, d.lease);
    const pushed = await pushLease(dir, remote, observed.sha, sha);
    if (!pushed.ok) {
      if (!pushed.rejected) throw new Error(`cannot push the lease: ${pushed.error}`);
      const winner = (await readLease(dir, remote)).lease;
      return { kind: 'standby', holder: winner?.holder ?? 'another supervisor', epoch: winner?.epoch ?? d.lease.epoch, expiresAt: winner?.expiresAt ?? d.lease.expiresAt, note: `lost the race for the lease to ${winner?.holder ?? 'another supervisor'}` };
    }
    held = sha;
    lease = d.lease;
  }
  let pending: { sha: string; lease: Lease } | undefined;
  let reread = false;
  const renewal = async () => {
    // Always a later expiry, so always a new commit: a ref left as it was would skip the server's compare-and-swap.
    const next: Lease = { holder: me, epoch: lease.epoch, expiresAt: Math.max(now() + policy.durationMs, lease.expiresAt + 1) };
    return { sha: await leaseCommit(dir, next), lease: next };
  };
  return {
    kind: 'leader',
    get lease() {
      return lease;
    },
    acquired: d.action === 'acquire',
    note: d.reason,
    async fence() {
      // A rejected attempt may mean the lease moved: look before trying again, and give up if it is not ours.
      if (reread) {
        const seen = await readLease(dir, remote);
        if (seen.sha !== held) throw new LeaseLostError(`lease lost${seen.lease ? ` to ${seen.lease.holder} (epoch ${seen.lease.epoch})` : ''}: this supervisor's decisions were not pushed`);
      }
      reread = true;
      pending = await renewal();
      return leaseRefUpdate(held, pending.sha);
    },
    async confirm() {
      if (!pending) return;
      held = pending.sha;
      lease = pending.lease;
      pending = undefined;
      await noteLeasePushed(dir, remote, held);
    },
    async renewIfDue() {
      const renewBefore = Math.min(policy.renewBeforeMs, policy.durationMs / 2);
      if (lease.expiresAt - now() > renewBefore) return;
      const next = await renewal();
      const pushed = await pushLease(dir, remote, held, next.sha);
      if (!pushed.ok) throw pushed.rejected ? new LeaseLostError('lease lost while renewing it: standing by') : new Error(`cannot renew the lease: ${pushed.error}`);
      held = next.sha;
      lease = next.lease;
    },
  } satisfies Leader;
}

/** When the loop must look at the lease again, whatever its tuned interval: to renew it, or to take it over. */
export function leaseLookAt(lead: Leadership, policy: LeasePolicy): number {
  if (lead.kind === 'solo') return Infinity;
  if (lead.kind === 'standby') return lead.expiresAt;
  return lead.lease.expiresAt - Math.min(policy.renewBeforeMs, policy.durationMs / 2);
}

/**
 * Between cycles: keep the lease (a renewal alone, no API call) or, as a standby, take it once it
 * expired. The caller runs a full cycle at once when this made it the leader.
 */
export async function leaseTick(dir: string, me: string, now: () => number, policy: LeasePolicy): Promise<Leadership> {
  const remote = await controlRemote(dir);
  if (!remote) return { kind: 'solo' };
  const lead = await takeLead(dir, remote, me, now, policy);
  if (lead.kind === 'leader') await lead.renewIfDue();
  return lead;
}
