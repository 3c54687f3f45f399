// The newest trusted commit of main as this clone last computed it, kept in .git/factoryctl/ so
// each new commit is verified once (per clone), not on every pull or gate call.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import type { TrustState } from '../../domain/trust/trust-state.js';
import { privatePath } from './private-dir.js';

export type { TrustMode, TrustState, UntrustedCommit } from '../../domain/trust/trust-state.js';

export function readTrustState(dir: string): TrustState | undefined {
  try {
    const json = JSON.parse(readFileSync(privatePath(dir, 'trustState'), 'utf8')) as TrustState;
    return typeof json.head === 'string' ? json : undefined;
  } catch {
    return undefined;
  }
}

export function writeTrustState(dir: string, state: TrustState): void {
  writeFileAtomic(privatePath(dir, 'trustState'), JSON.stringify(state));
}

/** Trust is in play once the control repo has allowed signers or this clone has judged commits. */
export function trustInPlay(dir: string): boolean {
  return existsSync(join(dir, 'trust', 'allowed_signers')) || existsSync(privatePath(dir, 'trustState'));
}

/** At a daemon's start: with trust in play, a machine that cannot verify signatures says so now (exit 69). */
export async function assertCanVerify(dir: string): Promise<void> {
  if (!trustInPlay(dir)) return;
  const { assertSshKeygen } = await import('../git/commit-signature.js');
  await assertSshKeygen();
}
