// Which supervisor may write main this cycle: the lease on control/lease, taken or renewed with a
// compare-and-swap push (decided in domain/supervisor/lease*.ts); this file only reads and pushes.
import { decideLease, type LeasePolicy } from '../../domain/supervisor/lease.js';
import {
  acquireVerdict,
  lostRace,
  standbyRole,
  type LeaseRole,
  type StandbyRole,
} from '../../domain/supervisor/lease-term.js';
import { leaseCommit, pushLease, readLease } from '../../adapters/control-repo/lease.js';
import { controlRemote } from '../../adapters/git/remote.js';
import { holdLease, type Leader } from './leader.js';

export { LeaseLostError, type Leader } from './leader.js';
export type Leadership = { kind: 'solo' } | Leader | StandbyRole;

/** Reads the lease and takes or keeps it; throws UnavailableError when it cannot be read. */
export async function takeLead(
  dir: string,
  remote: string,
  me: string,
  now: () => number,
  policy: LeasePolicy,
  readTimeoutMs?: number,
): Promise<Leader | StandbyRole> {
  const access = { dir, remote, me, now, policy, ...(readTimeoutMs !== undefined ? { readTimeoutMs } : {}) };
  const observed = await readLease(dir, remote, readTimeoutMs);
  const d = decideLease(observed.lease, me, now(), policy);
  if (d.action === 'standby') return standbyRole(d);
  if (d.action === 'renew')
    return holdLease(access, { sha: observed.sha, lease: observed.lease ?? d.lease }, false, d.reason);
  const sha = await leaseCommit(dir, d.lease);
  const pushed = acquireVerdict(await pushLease(dir, remote, observed.sha, sha));
  if (pushed.kind === 'failed') throw new Error(pushed.error);
  if (pushed.kind === 'lost') return lostRace((await readLease(dir, remote, readTimeoutMs)).lease, d.lease);
  return holdLease(access, { sha, lease: d.lease }, true, d.reason);
}

/**
 * Between cycles: keep the lease (a renewal alone, no API call) or, as a standby, take it once it
 * expired. The loop runs a full cycle at once when this made it the leader.
 */
export async function leaseTick(
  dir: string,
  me: string,
  now: () => number,
  policy: LeasePolicy,
  readTimeoutMs?: number,
): Promise<Leadership> {
  const remote = await controlRemote(dir);
  if (!remote) return { kind: 'solo' };
  const lead = await takeLead(dir, remote, me, now, policy, readTimeoutMs);
  if (lead.kind === 'leader') await lead.renewIfDue();
  return lead;
}

/** The role as data, for the loop's reducer and the stats: a leader's term as it stands now. */
export function roleOf(lead: Leadership): LeaseRole {
  return lead.kind === 'leader'
    ? { kind: 'leader', lease: lead.lease, acquired: lead.acquired, note: lead.note }
    : lead;
}
