import { ALLOWED_SIGNERS_PATH, parseAllowedSigners, type Signer } from './allowed-signers.js';
import { firstForbidden } from './role-paths.js';

/** What git said of a commit's signature against the trusted state's allowed signers. */
export interface SignatureCheck {
  signed: boolean;
  valid: boolean;
  principal?: string;
  fingerprint?: string;
  error?: string;
}

export interface CommitToJudge {
  sha: string;
  /** its first parent is the newest trusted commit */
  parentTrusted: boolean;
  /** files that differ between the newest trusted commit and this one */
  changed: readonly string[];
  signature: SignatureCheck;
  /** the allowed signers at the newest trusted commit */
  signers: readonly Signer[];
  /** when trust/allowed_signers is among `changed`: its text here (undefined: deleted) */
  signersText?: string;
}

export type Judgement =
  { trusted: true; principal: string; signers: readonly Signer[] } | { trusted: false; signer: string; reason: string };

/**
 * A commit is trusted when it is signed by a signer allowed at the newest trusted commit, whose
 * role may change every file that differs from it. A supervisor's commit must sit right on the
 * trusted state (it must not launder an untrusted parent); a human's vouches for its whole tree,
 * so a signed human commit (a revert, say) is the way back from an untrusted head. A change of
 * the allowed signers that leaves none, or a malformed file, is refused: nothing could follow it.
 */
export function judgeCommit(c: CommitToJudge): Judgement {
  const sig = c.signature;
  const signer = sig.principal ?? sig.fingerprint ?? 'unsigned';
  const no = (reason: string): Judgement => ({ trusted: false, signer, reason });
  if (!sig.signed) return no('not signed');
  if (!sig.valid) return no(sig.error ?? 'signature not valid');
  const who = c.signers.find((s) => s.principal === sig.principal);
  if (!who) return no(`${sig.principal} is not an allowed signer`);
  if (who.role !== 'human' && !c.parentTrusted) return no(`a ${who.role} may not sign on top of an untrusted commit`);
  const forbidden = firstForbidden(who.role, c.changed);
  if (forbidden) return no(`a ${who.role} may not change ${forbidden}`);
  if (!c.changed.includes(ALLOWED_SIGNERS_PATH)) return { trusted: true, principal: who.principal, signers: c.signers };
  if (c.signersText === undefined) return no(`${ALLOWED_SIGNERS_PATH} deleted: no signer would be left`);
  const next = parseAllowedSigners(c.signersText);
  if (next.problems.length > 0)
    return no(`${ALLOWED_SIGNERS_PATH}:${next.problems[0]!.line}: ${next.problems[0]!.message}`);
  if (!next.signers.some((s) => s.role === 'human')) return no(`${ALLOWED_SIGNERS_PATH} would leave no human signer`);
  return { trusted: true, principal: who.principal, signers: next.signers };
}
