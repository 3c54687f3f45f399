// Which supervisor may write main this cycle: the lease on control/lease, taken or renewed with a
// compare-and-swap push (decided in domain/supervisor/lease*.ts); this file only reads and pushes.
import { decideLease, type LeasePolicy } from '../../domain/supervisor/lease.js';
import {
  acquireVerdict,
  lostRace,
  keepsTakenTerm,
  standbyRole,
  type LeaseRole,
  type StandbyRole,
} from '../../domain/supervisor/lease-term.js';
import { leaseAge, leaseAsObserved, pushedWatch, watchLease } from '../../domain/supervisor/lease-watch.js';
import {
  fetchedLease,
  leaseCommit,
  pushLease,
  readLease,
  type ObservedLease,
} from '../../adapters/control-repo/lease.js';
import { readLeaseWatch, writeLeaseWatch } from '../../adapters/control-repo/lease-watch.js';
import { controlRemote } from '../../adapters/git/remote.js';
import { holdLease, type Leader, type LeaseAccess } from './leader.js';

export { LeaseLostError, type Leader } from './leader.js';
export type Leadership = { kind: 'solo' } | Leader | StandbyRole;

/**
 * Reads the lease and takes or keeps it; throws UnavailableError when it cannot be read. Its age is
 * the time since this clone saw the branch change, on `mono` (the supervisor's monotonic clock; tests
 * pass their simulated clock, which is then both): a holder's wall-clock expiry is never trusted.
 */
export async function takeLead(
  dir: string,
  remote: string,
  me: string,
  now: () => number,
  policy: LeasePolicy,
  readTimeoutMs?: number,
  mono: () => number = now,
): Promise<Leader | StandbyRole> {
  const access = { dir, remote, me, now, mono, policy, ...(readTimeoutMs !== undefined ? { readTimeoutMs } : {}) };
  return leadOn(access, await readLease(dir, remote, readTimeoutMs));
}

/**
 * The lead for a cycle whose one fetch brought control/lease along (adapters/git/pull-branches.ts):
 * the term taken in the step just before, while it runs, with no second look at the lease; else the
 * lease as that fetch left it, decided as takeLead decides. Throws UnavailableError as takeLead does.
 */
export async function cycleLead(access: LeaseAccess, taken: Leader | undefined): Promise<Leader | StandbyRole> {
  if (taken && keepsTakenTerm(taken.lease, access.now())) return taken;
  return leadOn(access, await fetchedLease(access.dir, access.remote));
}

/** Takes or keeps the lease as `observed` (just fetched): a push only to acquire it. */
async function leadOn(access: LeaseAccess, observed: ObservedLease): Promise<Leader | StandbyRole> {
  const { dir, remote, me, now, mono, policy, readTimeoutMs } = access;
  const view = observe(dir, observed, now, mono, policy);
  const d = decideLease(view, me, now(), policy);
  if (d.action === 'standby') return standbyRole(d);
  if (d.action === 'renew')
    return holdLease(
      access,
      { sha: observed.sha, lease: observed.lease ?? d.lease, view: view ?? d.lease },
      false,
      d.reason,
    );
  const startedMono = mono();
  const sha = await leaseCommit(dir, d.lease);
  const pushed = acquireVerdict(await pushLease(dir, remote, observed.sha, sha));
  if (pushed.kind === 'failed') throw new Error(pushed.error);
  if (pushed.kind === 'lost')
    return lostRace(observe(dir, await readLease(dir, remote, readTimeoutMs), now, mono, policy), d.lease);
  writeLeaseWatch(dir, pushedWatch(sha, d.lease, startedMono));
  return holdLease(access, { sha, lease: d.lease, view: d.lease }, true, d.reason);
}

/** Records this look at the branch, and returns the lease with its expiry judged on our own clock. */
function observe(dir: string, seen: ObservedLease, now: () => number, mono: () => number, policy: LeasePolicy) {
  const at = mono();
  const watch = watchLease(readLeaseWatch(dir), seen, at);
  writeLeaseWatch(dir, watch);
  return seen.lease && leaseAsObserved(seen.lease, leaseAge(watch, at), now(), policy);
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
  mono: () => number = now,
): Promise<Leadership> {
  const remote = await controlRemote(dir);
  if (!remote) return { kind: 'solo' };
  const lead = await takeLead(dir, remote, me, now, policy, readTimeoutMs, mono);
  if (lead.kind === 'leader') await lead.renewIfDue();
  return lead;
}

/** The role as data, for the loop's reducer and the stats: a leader's term as it stands now. */
export function roleOf(lead: Leadership): LeaseRole {
  return lead.kind === 'leader'
    ? { kind: 'leader', lease: lead.lease, acquired: lead.acquired, note: lead.note }
    : lead;
}
