// roles.<role>.maxConcurrentFactory across nodes: each node's share of the factory's cap, computed
// by every node alike from the same assignments.yaml, so no node needs to ask another before a run.
import { parseSlotId } from '../slot-id.js';
import type { AssignedSlots } from './slot-owner.js';

export interface FactoryShare {
  /** how many runs of the role this node may hold at once under the factory's cap */
  count: number;
  /** how the share came about, for the gate's refusal */
  why: string;
}

/**
 * The factory's cap dealt over the nodes that hold slots of the role, one run at a time to the node
 * with the fewest runs per slot (ties: more slots, then name), so the shares add up to the cap and
 * follow where the work is placed. A slot in a hand-over counts for neither node: the node it left
 * loses its share when it applies the move, and the new one gains it only once the move is done.
 * Without placement of the role the cap holds across nodes only when one node may run the role
 * (`runners`: the named nodes whose roles include it, "default" standing for any other machine).
 */
export function factoryShare(
  role: string,
  cap: number,
  node: string,
  assigned: AssignedSlots | undefined,
  runners: readonly string[],
): FactoryShare {
  const slots = Object.entries(assigned?.slots ?? {}).filter(([id]) => parseSlotId(id).role === role);
  if (slots.length === 0) {
    const alone = runners.length === 1 && runners[0] !== 'default';
    return {
      count: cap,
      why: alone ? `the factory's ${cap}, all on this node` : `the factory's ${cap}, held per node without placement`,
    };
  }
  const perNode = new Map<string, number>();
  for (const [, s] of slots)
    if (s.node !== null && !s.halted && !s.handoff) perNode.set(s.node, (perNode.get(s.node) ?? 0) + 1);
  const shares = new Map([...perNode.keys()].map((n) => [n, 0]));
  for (let dealt = 0; dealt < cap && shares.size > 0; dealt++) {
    const next = [...shares.keys()].sort(
      (a, b) =>
        shares.get(a)! / perNode.get(a)! - shares.get(b)! / perNode.get(b)! ||
        perNode.get(b)! - perNode.get(a)! ||
        (a < b ? -1 : 1),
    )[0]!;
    shares.set(next, shares.get(next)! + 1);
  }
  const count = shares.get(node) ?? 0;
  const others = [...shares].filter(([n]) => n !== node).map(([n, c]) => `${n} ${c}`);
  return {
    count,
    why: `this node's ${count} of the factory's ${cap}${others.length ? ` (${others.join(', ')})` : ''}`,
  };
}
