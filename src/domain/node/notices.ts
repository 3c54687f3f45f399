// What the nodes' decisions ask attention for, in one list for `status` and STATUS.md.
import type { NodeDecision } from '../config/state-schema.js';
import { reclaimNotes } from '../pressure/reclaim.js';
import { runawayNotes } from './runaway.js';

export function nodeNotices(decisions: readonly NodeDecision[]): string[] {
  return [...runawayNotes(decisions), ...reclaimNotes(decisions)];
}
