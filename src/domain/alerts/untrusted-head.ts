// untrusted-head: the leader's own clone sees a head of main that no allowed signer vouches for.
import type { UntrustedHead } from '../trust/trust-state.js';

const short = (sha: string | undefined) => (sha ? sha.slice(0, 12) : 'none');

/**
 * One alert per untrusted commit, named by the first untrusted one (not the head): commits that
 * pile on top of it (the supervisor's own) keep the same alert; a trusted head, or trust turned
 * off, resolves it.
 */
export function untrustedHeadAlert(u: UntrustedHead): {
  labels: Record<string, string>;
  summary: string;
  description: string;
} {
  const branch = u.ref.replace(/^refs\/heads\//, '');
  const acting =
    u.mode === 'enforce'
      ? `ignored: the factory acts on the newest trusted commit ${short(u.trusted)}`
      : 'trust.mode is warn, so the factory acts on it anyway';
  const head = u.head === u.sha ? '' : ` (head ${short(u.head)})`;
  return {
    labels: { ref: u.ref, sha: u.sha, signer: u.signer },
    summary: `${branch} has an untrusted commit ${short(u.sha)} (signer ${u.signer})`,
    description: `${u.reason}${head}; ${acting}. A human's signed commit on top vouches for the tree again.`,
  };
}
