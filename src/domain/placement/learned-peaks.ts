// Each slot's learned peak memory, kept in assignments.yaml's `peaks:` so a restarted or new leader
// places by it too. The samplers measure per role on each node (sample.json's `agents`), and per
// repository for the runs that say which one they are for (FACTORY_REPO): a repository's slot is
// charged its own runs on the node the assignments in force give it, a factory-wide slot its
// role's one-run figure there (a node whose runs do not say their repository charges each of the
// role's slots their runs' average, as before). A stored peak is rewritten only when it grows by PEAK_GROWTH: scores and
// samples move every cycle, and a commit per cycle would bury the decisions that matter.
import { parseSlotId } from '../slot-id.js';
import type { Placement } from './assignments-file.js';
import type { MeasuredMemory } from './observed-node.js';

/** A measured peak replaces the stored one only when it is at least this much larger, both ways. */
export const PEAK_GROWTH = { ratio: 1.1, mb: 32 } as const;

/** A measurement worth a commit: 10 % and 32 MiB above the stored peak (none stored: above 0). */
export function peakGrew(storedMb: number | undefined, measuredMb: number): boolean {
  const stored = storedMb ?? 0;
  return measuredMb >= stored * PEAK_GROWTH.ratio && measuredMb >= stored + PEAK_GROWTH.mb;
}

/**
 * Per slot, MiB one run held at this cycle's sample, rounded up: its role's per-run figure on the
 * node that runs it. A slot that waits, or is still being handed over, runs nowhere: no figure.
 */
export function measuredSlotPeaks(
  assignments: Pick<Placement, 'slots'>,
  measured: ReadonlyMap<string, Pick<MeasuredMemory, 'perRunMb'>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, a] of Object.entries(assignments.slots)) {
    if (a.node === null || a.halted || a.handoff) continue;
    const perRun = measured.get(a.node)?.perRunMb ?? {};
    const { role, repo } = parseSlotId(id);
    // Runs measured per repository: a repository's slot is charged its own or, not running, nothing.
    const apart = repo !== undefined && Object.keys(perRun).some((k) => k.startsWith(`${role}@`));
    const mb = apart ? perRun[id] : perRun[role];
    if (mb !== undefined && Number.isFinite(mb) && mb > 0) out[id] = Math.ceil(mb);
  }
  return out;
}

export interface NextPeaks {
  /** The peaks to place by and to write: the stored ones, grown where a measurement grew enough. */
  peaks: Record<string, number>;
  /** A peak grew, or a slot that is gone lost its own: rewrite the file. */
  changed: boolean;
  /** One line per grown peak, for the journal and the commit message. */
  decisions: string[];
}

/** The stored peaks of the slots there are, each replaced by its measurement when that grew by PEAK_GROWTH. */
export function nextPeaks(
  stored: Readonly<Record<string, number>>,
  measured: Readonly<Record<string, number>>,
  slotIds: readonly string[],
): NextPeaks {
  const peaks: Record<string, number> = {};
  const decisions: string[] = [];
  for (const id of [...slotIds].sort()) {
    const before = stored[id];
    const now = measured[id];
    if (now !== undefined && peakGrew(before, now)) {
      peaks[id] = now;
      decisions.push(`${id} peak ${now} MiB (${before === undefined ? 'first measured' : `was ${before} MiB`})`);
    } else if (before !== undefined) peaks[id] = before;
  }
  const dropped = Object.keys(stored).some((id) => peaks[id] === undefined);
  return { peaks, changed: decisions.length > 0 || dropped, decisions };
}
