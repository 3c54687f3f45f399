// A supervisor's role in one look at the lease, and every turn of its term (a push that lands,
// loses a race or fails; a fence that finds the lease moved), as data: the runtime only reads and pushes.
import { lookAgainAt, renewMargin, type Lease, type LeaseDecision, type LeasePolicy } from './lease.js';
import { leaseAge, leaseAsObserved, type LeaseWatch } from './lease-watch.js';

export interface LeaderRole {
  kind: 'leader';
  lease: Lease;
  /** this look took the lease (a new epoch) rather than renewing its own */
  acquired: boolean;
  note: string;
}
export interface StandbyRole {
  kind: 'standby';
  holder: string;
  epoch: number;
  expiresAt: number;
  note: string;
  /** it led, and could not renew within its term: when its lease lapsed on its own clock */
  lapsedAt?: number;
}
/** solo: no remote, so no lease: the one supervisor leads. */
export type LeaseRole = { kind: 'solo' } | LeaderRole | StandbyRole;

/** A push of the lease as the adapter saw it: `rejected` when the compare-and-swap refused it. */
export type LeasePushResult = { ok: true } | { ok: false; rejected: boolean; error: string };
/** held: the push landed; lost: another supervisor moved the lease first; failed: the remote could not be reached (transient). */
export type LeasePushVerdict = { kind: 'held' } | { kind: 'lost'; note: string } | { kind: 'failed'; error: string };

const OTHER = 'another supervisor';

export function standbyRole(d: Extract<LeaseDecision, { action: 'standby' }>): StandbyRole {
  return { kind: 'standby', holder: d.holder, epoch: d.epoch, expiresAt: d.expiresAt, note: d.reason };
}

/** The push that tried to acquire `tried`, judged; a lost race re-reads the winner (see lostRace). */
export function acquireVerdict(p: LeasePushResult): LeasePushVerdict {
  if (p.ok) return { kind: 'held' };
  return p.rejected
    ? { kind: 'lost', note: 'lost the race for the lease' }
    : { kind: 'failed', error: `cannot push the lease: ${p.error}` };
}

/** After a lost race: stand by for the winner as read again (or, unreadable, for the term we tried). */
export function lostRace(winner: Lease | undefined, tried: Lease): StandbyRole {
  const holder = winner?.holder ?? OTHER;
  return {
    kind: 'standby',
    holder,
    epoch: winner?.epoch ?? tried.epoch,
    expiresAt: winner?.expiresAt ?? tried.expiresAt,
    note: `lost the race for the lease to ${holder}`,
  };
}

/** A renewal pushed alone, judged. */
export function renewVerdict(p: LeasePushResult): LeasePushVerdict {
  if (p.ok) return { kind: 'held' };
  return p.rejected
    ? { kind: 'lost', note: 'lease lost while renewing it: standing by' }
    : { kind: 'failed', error: `cannot renew the lease: ${p.error}` };
}

/** Before a retried fenced push: the lease as read again must still be the commit we hold, else our decisions must not land. */
export function fenceVerdict(
  heldSha: string | undefined,
  seen: { sha?: string; lease?: Lease },
): { kind: 'held' } | { kind: 'lost'; note: string } {
  if (seen.sha === heldSha) return { kind: 'held' };
  return {
    kind: 'lost',
    note: `lease lost${seen.lease ? ` to ${seen.lease.holder} (epoch ${seen.lease.epoch})` : ''}: this supervisor's decisions were not pushed`,
  };
}

/**
 * A term this supervisor took in the step just before a cycle: that cycle keeps it as taken while it
 * runs on its own clock (a look at the lease would read its own push back). The fence's
 * compare-and-swap on the commit it pushed still keeps a deposed leader's decisions off main.
 */
export function keepsTakenTerm(taken: Lease, now: number): boolean {
  return taken.expiresAt > now;
}

/** A leader whose push found the lease gone: a standby of unknown term, looking again at once. */
export function deposedRole(note: string, now: number): StandbyRole {
  return { kind: 'standby', holder: OTHER, epoch: 0, expiresAt: now, note };
}

/** The next term of a held lease: always a later expiry, so always a new commit (a ref left as it was would skip the server's compare-and-swap). */
export function renewedLease(held: Lease, me: string, now: number, policy: LeasePolicy): Lease {
  return { holder: me, epoch: held.epoch, expiresAt: Math.max(now + policy.durationMs, held.expiresAt + 1) };
}

/**
 * When the loop must look at the lease again, whatever its tuned interval: a leader before it must
 * renew; a standby at least every quarter of the renewal margin (a renewal is seen soon after it
 * lands, so its age is not overstated by much: takeover comes at most that much after a term; with
 * the defaults one fetch of one tiny ref every 15 s), and when the term as it judges it runs out.
 * Never before `now`.
 */
export function leaseLookAt(role: LeaseRole, policy: LeasePolicy, now: number): number {
  if (role.kind === 'solo') return Infinity;
  const at =
    role.kind === 'standby'
      ? Math.min(lookAgainAt(role.expiresAt, false, policy), now + renewMargin(policy) / 4)
      : lookAgainAt(role.lease.expiresAt, true, policy);
  return Math.max(now, at);
}

/**
 * The role when the lease could not be read or renewed (the remote unreachable), judged on this
 * supervisor's own clock from what it last saw: a leader stays leader only while its last renewal
 * is less than a term old; after that it is a standby that decides nothing, whatever it held.
 * undefined: nothing was ever seen, nothing to say.
 */
export function roleUnseen(
  w: LeaseWatch | undefined,
  me: string,
  mono: number,
  now: number,
  policy: LeasePolicy,
): LeaderRole | StandbyRole | undefined {
  if (!w?.lease) return undefined;
  const view = leaseAsObserved(w.lease, leaseAge(w, mono), now, policy);
  if (view.holder !== me)
    return {
      kind: 'standby',
      holder: view.holder,
      epoch: view.epoch,
      expiresAt: view.expiresAt,
      note: `${view.holder} leads (epoch ${view.epoch}) as last seen; the lease cannot be read`,
    };
  if (view.expiresAt > now)
    return { kind: 'leader', lease: view, acquired: false, note: `leader (epoch ${view.epoch}), renewal failing` };
  const lapsed = new Date(view.expiresAt).toISOString();
  return {
    kind: 'standby',
    holder: me,
    epoch: view.epoch,
    expiresAt: view.expiresAt,
    lapsedAt: view.expiresAt,
    note: `lease lapsed at ${lapsed}: not renewed within its term, deciding nothing`,
  };
}
