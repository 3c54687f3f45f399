/**
 * What the observer has seen of each node's telemetry branch: its tip, and when (on the observer's
 * own monotonic clock) that tip last changed. A node's liveness is the age of that change, so two
 * machines' wall clocks are never compared.
 */
export type Sightings = ReadonlyMap<string, { sha: string; changedAtMs?: number }>;

/**
 * The sightings after one read. A tip first seen carries no change time: the observer cannot tell
 * how old it is, so it counts from when the observer began watching (liveness.ts).
 */
export function updateSightings(
  prev: Sightings,
  tips: ReadonlyMap<string, string | undefined>,
  nowMs: number,
): Map<string, { sha: string; changedAtMs?: number }> {
  const next = new Map<string, { sha: string; changedAtMs?: number }>();
  for (const [node, sha] of tips) {
    const before = prev.get(node);
    if (sha === undefined) {
      if (before) next.set(node, before);
      continue;
    }
    if (!before) next.set(node, { sha });
    else if (before.sha === sha) next.set(node, before);
    else next.set(node, { sha, changedAtMs: nowMs });
  }
  // A branch that vanished from this read (a failed fetch keeps the last copies) is kept as last seen.
  for (const [node, seen] of prev) if (!next.has(node)) next.set(node, seen);
  return next;
}
