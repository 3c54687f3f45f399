// SSH is the fast path, never the correct one: a node whose SSH fails is left to its own pull,
// and asked again only after a back-off that doubles with each failure (30 s up to 10 min).

export interface SshBackoff {
  failures: number;
  /** observer's monotonic ms before which the node is not asked again */
  untilMs: number;
  error: string;
}

const FIRST_MS = 30_000;
const MAX_MS = 600_000;

export function sshFailed(prev: SshBackoff | undefined, error: string, nowMs: number): SshBackoff {
  const failures = (prev?.failures ?? 0) + 1;
  return { failures, untilMs: nowMs + Math.min(MAX_MS, FIRST_MS * 2 ** (failures - 1)), error };
}

/** Whether to try SSH now: no failure on record, or its back-off has run out. */
export function sshAllowed(b: SshBackoff | undefined, nowMs: number): boolean {
  return b === undefined || nowMs >= b.untilMs;
}
