import type { RpcRefusal } from './rpc-request.js';
import { printable } from './rpc-request.js';

/** A slot this node has (its assignments' ids); any other is refused before anything is looked at. */
export function slotRefusal(slot: string, slots: readonly string[]): RpcRefusal | undefined {
  if (slots.includes(slot)) return undefined;
  const known = slots.length > 0 ? slots.join(', ') : 'none';
  return { code: 65, reason: `unknown slot "${printable(slot)}" on this node (its slots: ${known})` };
}

/**
 * Fencing for `stop`: a leader deposed since (its epoch below the lease this node last pulled)
 * may not stop anything. A node that knows no lease has nothing to fence with and lets it through.
 */
export function epochRefusal(asked: number, known: number | undefined): RpcRefusal | undefined {
  if (known === undefined || asked >= known) return undefined;
  return {
    code: 77,
    reason: `epoch ${asked} is older than the lease epoch ${known} this node knows: a deposed leader`,
  };
}
