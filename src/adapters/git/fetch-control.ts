// The read-only commands' refresh in one round trip: main and every telemetry branch in a single
// `git fetch`, then main moved locally (pullWithBranches, the supervisor cycle's pull). A pull and
// then a fetch of the telemetry branches cost two round trips to the forge, one after the other, on
// every status, nodes, assignments, logs.
import { TELEMETRY_PREFIX } from '../telemetry/read.js';
import type { PullOutcome } from './pull.js';
import { pullWithBranches } from './pull-branches.js';

export interface ControlRefresh {
  /** main's pull, as pullFastForward reports one */
  main: PullOutcome;
  /** false: the telemetry branches may be as last fetched */
  telemetry: boolean;
}

/** Fetches main and `telemetry/*` from `remote` at once, within `timeoutMs`, then moves main. */
export async function refreshControl(
  dir: string,
  remote: string,
  timeoutMs: number,
  now = Date.now,
): Promise<ControlRefresh> {
  const main = await pullWithBranches(dir, remote, [TELEMETRY_PREFIX], timeoutMs, now);
  // Main that could not move (a local change in the way) still came with fresh telemetry.
  return { main, telemetry: main.ok || main.fetched === true };
}
