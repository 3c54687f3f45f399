import { parseLease, type Lease } from '../../domain/supervisor/lease.js';
import { readFilesAt, resolveRef } from '../git/read-files.js';
import { controlRemote } from '../git/remote.js';
import { LEASE_BRANCH } from './lease.js';

/**
 * The lease as this clone last fetched it: every pull of the control repo fetches all branches,
 * control/lease with them, into the remote-tracking ref. No network: what the node knows, not what is.
 */
export async function knownLease(dir: string): Promise<Lease | undefined> {
  const remote = await controlRemote(dir);
  if (remote === undefined) return undefined;
  const files = await readFilesAt(dir, `refs/remotes/${remote}/${LEASE_BRANCH}`, ['lease.json']);
  return parseLease(files.get('lease.json'));
}

/** The commit control/lease pointed at in the last fetch: it changes with every renewal by a live leader. */
export async function knownLeaseSha(dir: string): Promise<string | undefined> {
  const remote = await controlRemote(dir);
  return remote === undefined ? undefined : resolveRef(dir, `refs/remotes/${remote}/${LEASE_BRANCH}`);
}
