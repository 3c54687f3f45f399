// The agent-failing rule's signal: a slot whose runs keep failing, by either sign the node reports:
// runs that exited non-zero in a row (the gate's exit records) and runs stopped past maxRuntime.
import type { NodeDecision } from '../config/state-schema.js';
import { parseSlotId } from '../slot-id.js';

export interface FailingSlot {
  node: string;
  role: string;
  repo?: string;
  count: number;
  summary: string;
  description: string;
}

/**
 * Each slot at or past `runs` failures in a row. A runaway's stop also ends its run non-zero, so
 * the two counts overlap: the larger is the slot's streak, not their sum. A role's runaway streak
 * is the role's own slot (the node counts runaways per role).
 */
export function failingSlots(nodes: readonly NodeDecision[], runs: number): FailingSlot[] {
  return nodes.flatMap((d) => {
    const slots = new Set([...Object.keys(d.exits ?? {}), ...Object.keys(d.runaways ?? {})]);
    return [...slots].sort().flatMap((slot) => {
      const exit = d.exits?.[slot];
      const runaway = d.runaways?.[slot];
      const count = Math.max(exit?.count ?? 0, runaway?.count ?? 0);
      if (count < runs) return [];
      const { role, repo } = parseSlotId(slot);
      const why = [
        ...(exit ? [`${exit.count} exited non-zero in a row, the last with ${exit.code} at ${exit.at}`] : []),
        ...(runaway ? [runaway.reason] : []),
      ];
      return [
        {
          node: d.node,
          role,
          ...(repo !== undefined ? { repo } : {}),
          count,
          summary: `${slot} on ${d.node} failed ${count} runs in a row`,
          description: why.join('; '),
        },
      ];
    });
  });
}
