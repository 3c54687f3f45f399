import { buildRefusal } from '../../domain/trust/trust-state.js';
import { readTrustState } from '../control-repo/trust-state.js';
import { resolveRef } from '../git/read-files.js';

/**
 * Why the control repo's checkout must not be built now, if so. The pull keeps the checkout on
 * the newest trusted commit in enforce; this guards the moments it is not (our own push on an
 * untrusted head moved it), since a build runs the code it builds.
 */
export async function untrustedSource(controlDir: string): Promise<string | undefined> {
  const state = readTrustState(controlDir);
  if (!state) return undefined;
  return buildRefusal(state, (await resolveRef(controlDir, 'HEAD')) ?? '');
}
