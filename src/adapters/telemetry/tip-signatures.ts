// Telemetry tips' signatures, each checked by git once: cached by sha and by the allowed signers checked against.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TipSignature } from '../../domain/supervisor/telemetry-trust.js';
import { ALLOWED_SIGNERS_PATH } from '../../domain/trust/allowed-signers.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { privatePath } from '../control-repo/private-dir.js';
import { readTrustState } from '../control-repo/trust-state.js';
import { verifyCommitSignature } from '../git/commit-signature.js';
import { readFilesAt } from '../git/read-files.js';
// Verdicts are tiny, but a long-lived supervisor sees a new tip per node per heartbeat.
const MAX_CACHED = 1024;

/** By `<signers digest>:<sha>`: a change of the allowed signers (a revoked node key) checks every tip again. */
export type TipSignatureCache = Map<string, TipSignature>;

/**
 * Each sha's signature against the allowed signers of the newest trusted commit of main (never
 * an untrusted head's: it could name its own key as a node's), and which of them were checked now
 * rather than remembered. A missing ssh-keygen throws (commit-signature.ts): never a silent pass.
 */
export async function tipSignatures(
  dir: string,
  shas: string[],
  cache: TipSignatureCache,
): Promise<{ signatures: Map<string, TipSignature>; fresh: Set<string> }> {
  const trusted = readTrustState(dir)?.trusted;
  const text = trusted
    ? (await readFilesAt(dir, trusted, [ALLOWED_SIGNERS_PATH])).get(ALLOWED_SIGNERS_PATH)
    : undefined;
  const path = privatePath(dir, 'telemetrySigners');
  if (text !== undefined && readOptional(path) !== text) writeFileAtomic(path, text);
  const digest = createHash('sha256')
    .update(text ?? '')
    .digest('hex')
    .slice(0, 16);
  if (cache.size > MAX_CACHED) cache.clear();
  const signatures = new Map<string, TipSignature>();
  const fresh = new Set<string>();
  for (const sha of shas) {
    const key = `${digest}:${sha}`;
    let sig = cache.get(key);
    if (!sig) {
      // No allowed signers at all: nobody is allowed, yet git still tells unsigned from signed.
      sig = await verifyCommitSignature(dir, sha, text === undefined ? '/dev/null' : path);
      cache.set(key, sig);
      fresh.add(sha);
    }
    signatures.set(sha, sig);
  }
  return { signatures, fresh };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
