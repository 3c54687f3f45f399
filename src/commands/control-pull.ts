// The read-only commands' refresh (status, nodes, assignments, logs): main and every telemetry
// branch in one fetch within gate.pullTimeout, main then fast-forwarded; a failure is a note, never
// an error, so they still show the last pulled state when the forge is down.
import { loadControlView } from '../adapters/control-repo/view.js';
import { refreshControl } from '../adapters/git/fetch-control.js';
import { readTrustState } from '../adapters/control-repo/trust-state.js';
import { untrustedNote } from '../domain/trust/trust-state.js';
import { controlRemote } from '../adapters/git/remote.js';
import { cachedPullTimeout } from '../gate-early.js';

/** The control repo's remote (undefined: a purely local one), after a pull unless `noPull`. */
export async function pullControl(dir: string, noPull: boolean, notes: string[]): Promise<string | undefined> {
  const remote = await controlRemote(dir);
  if (!remote || noPull) return trustNoted(dir, notes, remote);
  // gate.pullTimeout, as the last good view (the one this pull refreshes) has it.
  const timeoutMs = await loadControlView(dir).then(
    ({ view }) => view.gate.pullTimeoutMs,
    () => cachedPullTimeout(dir),
  );
  const { main, telemetry } = await refreshControl(dir, remote, timeoutMs);
  if (!main.ok) notes.push(`pull failed (${main.error}): showing the last pulled state`);
  if (!telemetry) notes.push('could not fetch telemetry branches: node decisions may be old');
  return trustNoted(dir, notes, remote);
}

/** An untrusted head of main is news for every reader: it is ignored (enforce) or acted on (warn). */
function trustNoted(dir: string, notes: string[], remote: string | undefined): string | undefined {
  const note = untrustedNote(readTrustState(dir));
  if (note) notes.push(note);
  return remote;
}
