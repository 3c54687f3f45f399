// Walks main from the last known trusted commit to the fetched head, verifying each new commit
// once (judgeCommit decides), and records the newest trusted commit in .git/factoryctl/trust.json.
import { readFileSync } from 'node:fs';
import { ALLOWED_SIGNERS_PATH, parseAllowedSigners } from '../../domain/trust/allowed-signers.js';
import { judgeCommit, type Judgement } from '../../domain/trust/judge-commit.js';
import { rootRefusal } from '../../domain/trust/trust-root.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { verifyCommitSignature } from '../git/commit-signature.js';
import { changedBetween, firstAdding, firstParentCommits, type ListedCommit } from '../git/first-parent-commits.js';
import { isAncestor, readFilesAt } from '../git/read-files.js';
import { privatePath } from './private-dir.js';
import { readTrustRoot } from './trust-root-file.js';
import {
  readTrustState,
  writeTrustState,
  type TrustMode,
  type TrustState,
  type UntrustedCommit,
} from './trust-state.js';

/** The trust state for `head` (the fetched upstream), computed from the cached one incrementally. */
export async function advanceTrust(dir: string, head: string, now = Date.now()): Promise<TrustState> {
  const cached = readTrustState(dir);
  if (cached && cached.head === head) return cached;
  let trusted = cached?.trusted;
  let refused = cached?.refused ?? {};
  let untrusted: UntrustedCommit | undefined;
  let commits: ListedCommit[];
  if (trusted && !(await isAncestor(dir, trusted, head))) {
    // A rewritten main: nothing on it descends from what we trusted.
    untrusted = { sha: head, signer: 'unknown', reason: `not a descendant of the trusted commit ${trusted}` };
    commits = [];
  } else if (trusted) {
    commits = await firstParentCommits(dir, trusted, head);
  } else {
    const root = await firstAdding(dir, head, ALLOWED_SIGNERS_PATH);
    commits = root ? await firstParentCommits(dir, root, head) : [];
    if (root) {
      const judged = await judge(dir, { sha: root, files: [ALLOWED_SIGNERS_PATH] }, undefined, undefined);
      const pinned = judged.trusted ? rootRefusal(readTrustRoot(dir), judged.fingerprint) : undefined;
      if (judged.trusted && !pinned) trusted = root;
      else if (judged.trusted) untrusted = { sha: root, signer: judged.principal, reason: `trust root: ${pinned}` };
      else untrusted = { sha: root, signer: judged.signer, reason: `trust root: ${judged.reason}` };
    }
  }
  let signersText = trusted ? await signersTextAt(dir, trusted) : undefined;
  for (const commit of trusted ? commits : []) {
    const known = refused[commit.sha];
    const judged: Judgement = known ? { trusted: false, ...known } : await judge(dir, commit, trusted, signersText);
    if (judged.trusted) {
      if (commit.files.includes(ALLOWED_SIGNERS_PATH) || commit.parent !== trusted)
        signersText = await signersTextAt(dir, commit.sha);
      trusted = commit.sha;
      refused = {};
      untrusted = undefined;
    } else {
      const verdict = { sha: commit.sha, signer: judged.signer, reason: judged.reason };
      refused[commit.sha] = verdict;
      untrusted ??= verdict;
    }
  }
  const mode = await modeAt(dir, trusted ?? head, cached?.mode ?? 'off');
  const state: TrustState = {
    mode,
    head,
    at: now,
    ...(trusted ? { trusted } : {}),
    ...(untrusted ? { untrusted } : {}),
  };
  if (Object.keys(refused).length > 0) state.refused = refused;
  writeTrustState(dir, state);
  return state;
}

/**
 * One commit's verdict against the trusted commit `base` whose allowed signers are `baseText`
 * (base none: the root, judged by its own signers). git verify-commit reads them from a file.
 */
async function judge(dir: string, c: ListedCommit, base: string | undefined, baseText: string | undefined) {
  const parentTrusted = base === undefined || c.parent === base;
  const changed = parentTrusted ? c.files : await changedBetween(dir, base!, c.sha);
  const ownText = changed.includes(ALLOWED_SIGNERS_PATH)
    ? (await readFilesAt(dir, c.sha, [ALLOWED_SIGNERS_PATH])).get(ALLOWED_SIGNERS_PATH)
    : baseText;
  const againstText = base === undefined ? ownText : baseText;
  const file = privatePath(dir, 'trustedSigners');
  if (readOptional(file) !== (againstText ?? '')) writeFileAtomic(file, againstText ?? '');
  const signature = await verifyCommitSignature(dir, c.sha, file);
  const judged = judgeCommit({
    sha: c.sha,
    parentTrusted,
    changed,
    signature,
    signers: parseAllowedSigners(againstText ?? '').signers,
    ...(ownText !== undefined ? { signersText: ownText } : {}),
  });
  return { ...judged, fingerprint: signature.fingerprint };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function signersTextAt(dir: string, sha: string): Promise<string | undefined> {
  return (await readFilesAt(dir, sha, [ALLOWED_SIGNERS_PATH])).get(ALLOWED_SIGNERS_PATH);
}

/** trust.mode in factory.yaml at a commit; only read when the head moved, so YAML loads lazily. */
async function modeAt(dir: string, sha: string, before: TrustMode): Promise<TrustMode> {
  const text = (await readFilesAt(dir, sha, ['factory.yaml'])).get('factory.yaml');
  if (!text) return 'off';
  try {
    // The ESM bundle (dist/cli.js: supervise, node, status) gets yaml's CommonJS build as a chunk
    // with only a default export; the gate's CommonJS bundle and the sources get named exports.
    const yaml = await import('yaml');
    const parse = yaml.parse ?? yaml.default?.parse;
    if (!parse) return before;
    const mode = (parse(text) as { trust?: { mode?: unknown } } | null)?.trust?.mode;
    return mode === 'warn' || mode === 'enforce' ? mode : 'off';
  } catch {
    return before; // a file that does not parse changes nothing
  }
}
