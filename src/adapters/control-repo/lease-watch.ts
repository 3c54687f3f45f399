// What this clone's supervisor last saw of control/lease and since when (its own monotonic clock),
// kept in the private folder so that the age of a lease spans --once runs as well as a daemon's looks.
import { readFileSync } from 'node:fs';
import { parseLeaseWatch, renderLeaseWatch, type LeaseWatch } from '../../domain/supervisor/lease-watch.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { privatePath } from './private-dir.js';

export function readLeaseWatch(dir: string): LeaseWatch | undefined {
  try {
    return parseLeaseWatch(readFileSync(privatePath(dir, 'leaseWatch'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** A lost write only makes the next look treat the lease as new: it waits longer, never less. */
export function writeLeaseWatch(dir: string, w: LeaseWatch): void {
  try {
    writeFileAtomic(privatePath(dir, 'leaseWatch'), renderLeaseWatch(w));
  } catch {
    // see above
  }
}
