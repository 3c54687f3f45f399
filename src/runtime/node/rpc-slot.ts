import { parseDuration } from '../../domain/duration.js';
import { logFile } from '../../domain/local-plan.js';
import { epochRefusal, slotRefusal } from '../../domain/node/rpc-checks.js';
import { RPC_LIMITS, type RpcRefusal } from '../../domain/node/rpc-request.js';
import { knownLease } from '../../adapters/control-repo/lease-known.js';
import { tailRotatedLog } from '../../adapters/node/log-tail.js';
import { stopSlot } from '../../adapters/node/slot-processes.js';
import { selfAndAncestors } from '../../adapters/node/stop-agents.js';
import type { RpcContext, RpcNode } from './rpc-node.js';

export type SlotAnswer =
  { ok: true; text?: string; json: Record<string, unknown> } | { ok: false; refusal: RpcRefusal };

/** `logs <slot>`: the tail of that slot's run log, bounded in lines and bytes. */
export function rpcLogs(node: RpcNode, slot: string, lines: number): SlotAnswer {
  const refusal = slotRefusal(
    slot,
    node.slots.map((s) => s.id),
  );
  if (refusal) return { ok: false, refusal };
  const path = logFile(node.settings.paths, slot);
  const tail = tailRotatedLog(path, lines, RPC_LIMITS.maxLogBytes);
  return { ok: true, text: tail.text, json: { slot, log: path, ...tail } };
}

/** `stop <slot> --epoch E`: SIGTERM to the slot's current run, SIGKILL after policy.stopGrace; fenced by the lease epoch. */
export async function rpcStop(ctx: RpcContext, node: RpcNode, slot: string, epoch: number): Promise<SlotAnswer> {
  const refusal = slotRefusal(
    slot,
    node.slots.map((s) => s.id),
  );
  if (refusal) return { ok: false, refusal };
  const assignment = node.slots.find((s) => s.id === slot)!;
  const known = (await knownLease(ctx.dir))?.epoch;
  const fenced = epochRefusal(epoch, known);
  if (fenced) return { ok: false, refusal: fenced };
  const stopped = await stopSlot(
    {
      dir: ctx.dir,
      role: assignment.role,
      ...(assignment.repo ? { repo: assignment.repo } : {}),
      spared: selfAndAncestors(),
    },
    parseDuration(node.settings.policy.stopGrace),
  );
  return { ok: true, json: { ok: true, slot, epoch, knownEpoch: known ?? null, ...stopped } };
}
