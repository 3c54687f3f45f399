// `factoryctl node rpc`: one request from the supervisor's SSH key, read, checked, journaled,
// answered. A refused request runs nothing: it is refused before any config, file or process is read.
import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { parseRpcLine, parseRpcWords, printable, type RpcParse } from '../../domain/node/rpc-request.js';
import { appendRpcJournal, type RpcJournalEntry } from '../../adapters/node/rpc-journal.js';
import { loadRpcNode, type RpcContext } from './rpc-node.js';
import { readRpcStatus } from './rpc-status.js';
import { rpcLogs, rpcStop } from './rpc-slot.js';
import { rpcSync } from './rpc-sync.js';

export type { RpcContext } from './rpc-node.js';

/** The request: the words on the command line (local use), else SSH_ORIGINAL_COMMAND (the forced command has none). */
export interface RpcInput {
  words: string[];
  line: string | undefined;
  /** SSH_CLIENT's first field. */
  from?: string;
}

export interface RpcAnswer {
  code: number;
  /** Printed as is (a log tail); otherwise `json`. */
  text?: string;
  json?: Record<string, unknown>;
  error?: string;
}

export async function answerRpc(input: RpcInput, ctx: RpcContext): Promise<RpcAnswer> {
  const parsed: RpcParse = input.words.length > 0 ? parseRpcWords(input.words) : parseRpcLine(input.line ?? '');
  const shown = printable(input.words.length > 0 ? input.words.join(' ') : (input.line ?? ''), 300);
  const journal = (entry: Omit<RpcJournalEntry, 'at' | 'request'>) => {
    try {
      appendRpcJournal(ctx.dir, {
        at: new Date(ctx.now()).toISOString(),
        request: shown,
        ...entry,
        ...(input.from ? { from: input.from } : {}),
      });
    } catch (error) {
      ctx.log(`rpc journal: ${(error as Error).message}`);
    }
  };
  if (!parsed.ok) {
    journal({ code: parsed.refusal.code, outcome: 'refused', reason: parsed.refusal.reason });
    return { code: parsed.refusal.code, error: parsed.refusal.reason };
  }
  let answer: RpcAnswer;
  try {
    answer = await execute(parsed.request, ctx);
  } catch (error) {
    const code = error instanceof FactoryError ? error.exitCode : EXIT.SOFTWARE;
    journal({ code, outcome: 'failed', reason: (error as Error).message });
    throw error;
  }
  const outcome = answer.code === EXIT.OK ? 'done' : answer.code === 77 || answer.code === 65 ? 'refused' : 'failed';
  journal({ code: answer.code, outcome, ...(answer.error ? { reason: answer.error } : {}) });
  return answer;
}

async function execute(request: Extract<RpcParse, { ok: true }>['request'], ctx: RpcContext): Promise<RpcAnswer> {
  const node = await loadRpcNode(ctx);
  switch (request.verb) {
    case 'status':
      return { code: EXIT.OK, json: await readRpcStatus(ctx, node) };
    case 'sync':
      return rpcSync(ctx, node);
    case 'logs':
    case 'stop': {
      const done =
        request.verb === 'logs'
          ? rpcLogs(node, request.slot, request.lines)
          : await rpcStop(ctx, node, request.slot, request.epoch);
      if (!done.ok) return { code: done.refusal.code, error: done.refusal.reason };
      return { code: EXIT.OK, json: done.json, ...(done.text !== undefined ? { text: done.text } : {}) };
    }
  }
}
