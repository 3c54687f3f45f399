// What the nodes' decisions ask attention for, in one list for `status` and STATUS.md.
import type { NodeDecision } from '../config/state-schema.js';
import { reclaimNotes } from '../pressure/reclaim.js';
import { describeOutside } from './active-record.js';
import { runawayNotes } from './runaway.js';

export function nodeNotices(decisions: readonly NodeDecision[]): string[] {
  return [...runawayNotes(decisions), ...reclaimNotes(decisions), ...outsideNotes(decisions)];
}

/** Each outside decision in force: another writer changed a drop-in file, and since when. */
function outsideNotes(decisions: readonly NodeDecision[]): string[] {
  return decisions.flatMap((d) =>
    (d.outside ?? []).map((o) => `${o.role}: ${describeOutside(o, d.node)} (since ${o.since})`),
  );
}
