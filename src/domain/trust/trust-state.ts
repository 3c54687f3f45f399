// What a clone knows of the chain of trust of main: the shape of .git/factoryctl/trust.json.

export type TrustMode = 'off' | 'warn' | 'enforce';

export interface UntrustedCommit {
  sha: string;
  /** its principal, its key's fingerprint, or `unsigned` */
  signer: string;
  reason: string;
}

export interface TrustState {
  /** trust.mode at the newest trusted commit (at the head while none is trusted) */
  mode: TrustMode;
  /** the newest trusted commit of main; absent: none yet */
  trusted?: string;
  /** the upstream head this was computed for */
  head: string;
  /** the first commit after `trusted` that is not trusted, while the head is not */
  untrusted?: UntrustedCommit;
  /** verdicts on commits after `trusted`, by sha: judged once while `trusted` stays */
  refused?: Record<string, UntrustedCommit>;
  /** when it was computed (ms since the epoch) */
  at: number;
}

/** The one-line account of an untrusted head, for the gate, status and the journal; none when all is trusted. */
export function untrustedNote(state: TrustState | undefined): string | undefined {
  const u = state?.untrusted;
  if (!state || !u || state.mode === 'off') return undefined;
  const short = (sha: string | undefined) => (sha ? sha.slice(0, 12) : 'none');
  const what = `commit ${short(u.sha)} (signer ${u.signer}) is not trusted: ${u.reason}`;
  return state.mode === 'enforce'
    ? `${what}; acting on the newest trusted commit ${short(state.trusted)}`
    : `${what}; trust.mode is warn, so acting on it anyway`;
}

/** An untrusted head of a branch of the control repo, as a clone's trust state shows it (the alert's view). */
export interface UntrustedHead {
  /** the branch whose head is not trusted, e.g. refs/heads/main */
  ref: string;
  /** the first commit after the newest trusted one that is not trusted: stable while commits pile on top */
  sha: string;
  /** its principal, its key's fingerprint, or `unsigned` */
  signer: string;
  reason: string;
  mode: Exclude<TrustMode, 'off'>;
  /** the newest trusted commit; absent: none yet */
  trusted?: string;
  /** the upstream head */
  head: string;
}

/** The untrusted head `state` knows of for `ref`; none when the head is trusted or trust is off. */
export function untrustedHeadOf(state: TrustState | undefined, ref: string): UntrustedHead | undefined {
  const u = state?.untrusted;
  if (!state || !u || state.mode === 'off') return undefined;
  return {
    ref,
    sha: u.sha,
    signer: u.signer,
    reason: u.reason,
    mode: state.mode,
    head: state.head,
    ...(state.trusted ? { trusted: state.trusted } : {}),
  };
}

/** The trust part of a --json answer: what was judged, without the per-commit cache. */
export function trustSummary(state: TrustState | undefined) {
  if (!state) return undefined;
  const { mode, trusted, head, untrusted } = state;
  return { mode, trusted: trusted ?? null, head, untrusted: untrusted ?? null };
}

/** Why the checked-out commit must not be built (self-upgrade), if it must not: in enforce, only the trusted one. */
export function buildRefusal(state: TrustState | undefined, checkedOut: string): string | undefined {
  if (!state || state.mode !== 'enforce' || state.trusted === checkedOut) return undefined;
  return `not building ${checkedOut.slice(0, 12)}: it is not the newest trusted commit (${state.trusted?.slice(0, 12) ?? 'none'})`;
}
