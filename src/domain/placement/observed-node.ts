// What a node's telemetry says for placement: its last sample (memory, and what its agents held),
// read from sample.json as the node committed it. A torn or foreign file is no measurement.
import type { Sample } from '../pressure/sample.js';
import { slotId } from '../slot-id.js';

export interface MeasuredMemory {
  memAvailableMb?: number;
  memTotalMb?: number;
  /** MiB its agents held at the sample, all roles together. */
  agentsUsedMb?: number;
  /**
   * Per role, MiB one run held at the sample (its trees' RSS over their count); per repository's
   * slot too (`dev@owner/name`), where the runs said which repository they were for.
   */
  perRunMb: Record<string, number>;
  /** Roles with a run going at the sample. */
  running?: string[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** sample.json's text -> the figures placement uses; NaN was written as null (telemetry-files.ts). */
export function measuredMemory(sampleText: string | undefined): MeasuredMemory {
  if (!sampleText) return { perRunMb: {} };
  let s: Partial<Sample>;
  try {
    s = JSON.parse(sampleText) as Partial<Sample>;
  } catch {
    return { perRunMb: {} };
  }
  const out: MeasuredMemory = { perRunMb: {} };
  const avail = num(s.memAvailableMb);
  const total = num(s.memTotalMb);
  if (avail !== undefined) out.memAvailableMb = avail;
  if (total !== undefined) out.memTotalMb = total;
  if (s.agents && typeof s.agents === 'object') {
    let used = 0;
    for (const [role, a] of Object.entries(s.agents)) {
      const rss = num(a?.rssMb);
      const count = num(a?.count);
      if (rss === undefined) continue;
      used += rss;
      if (count !== undefined && count > 0) {
        out.perRunMb[role] = rss / count;
        (out.running ??= []).push(role);
      }
      for (const [repo, r] of Object.entries(a?.repos ?? {})) {
        const [repoRss, repoCount] = [num(r?.rssMb), num(r?.count)];
        if (repoRss !== undefined && repoCount !== undefined && repoCount > 0)
          out.perRunMb[slotId({ role, repo })] = repoRss / repoCount;
      }
    }
    out.agentsUsedMb = used;
  }
  return out;
}
