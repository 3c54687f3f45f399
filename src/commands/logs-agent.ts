// `factoryctl logs --agent SLOT`: find the slot's node (--node, else assignments.yaml), ask it over
// SSH for the end of the slot's run log, print it as it comes.
import { EXIT } from '../exit-codes.js';
import { FactoryError, UnavailableError, UsageError } from '../errors.js';
import { RPC_LIMITS } from '../domain/node/rpc-request.js';
import { readPlacementFiles } from '../adapters/control-repo/placement-files.js';
import { fetchAgentLog } from '../adapters/ssh/agent-log.js';
import type { CommandContext } from './context.js';

export async function agentLog(
  dir: string,
  ctx: CommandContext,
  slot: string,
  linesText: string | undefined,
): Promise<number> {
  const lines = Number(linesText ?? RPC_LIMITS.defaultLines);
  if (!Number.isInteger(lines) || lines < 1 || lines > RPC_LIMITS.maxLines)
    throw new UsageError(`--lines is a whole number from 1 to ${RPC_LIMITS.maxLines}`);
  const files = await readPlacementFiles(dir);
  const node = ctx.nodeFlag ?? files.assignments?.slots[slot]?.node ?? undefined;
  if (!node)
    throw new UsageError(
      files.assignments?.slots[slot]
        ? `slot ${slot} runs on no node now (assignments.yaml): give --node to ask one`
        : `slot ${slot} is not in assignments.yaml: give --node to say where it runs`,
    );
  const answer = await fetchAgentLog(dir, files.factory, ctx.env, { node, slot, lines });
  if (!answer.ok) {
    const message = `logs --agent ${slot} on ${node}: ${answer.error}`;
    // The node's own refusals (65 an unknown slot, 77 not allowed) keep their code; the rest is the network's.
    if (answer.reason === 'refused' && (answer.code === EXIT.DATAERR || answer.code === EXIT.NOPERM))
      throw new FactoryError(message, answer.code);
    throw new UnavailableError(message);
  }
  if (ctx.json) ctx.out(JSON.stringify({ slot, node, lines, log: answer.text }));
  else if (answer.text !== '') process.stdout.write(answer.text);
  return EXIT.OK;
}
