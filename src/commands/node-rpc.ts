import pkg from '../../package.json' with { type: 'json' };
import { EXIT } from '../exit-codes.js';
import { RPC_LIMITS } from '../domain/node/rpc-request.js';
import { answerRpc } from '../runtime/node/rpc.js';
import { SYNC_BOUND_MS } from '../runtime/node/rpc-sync.js';
import { requireDir, type CommandContext } from './context.js';

export const help = `usage: factoryctl node rpc [VERB ...]

The forced command of the supervisor's SSH key on this node (\`factoryctl node install --ssh-key\`
writes its authorized_keys line). It reads SSH_ORIGINAL_COMMAND (or the words given here, for
local use), splits it without a shell and accepts only:
  sync                      pull the control repo and apply it now: a running node daemon is woken
                            (SIGUSR2) and answers once the cycle after that pull is applied; with
                            none, this process runs that one cycle; 75 after ${SYNC_BOUND_MS / 1000} s without one
  status                    this node as JSON: level, halted roles, last sample, build, lease epoch
  logs SLOT [--lines N]     the tail of that slot's run log (default ${RPC_LIMITS.defaultLines}, at most ${RPC_LIMITS.maxLines} lines, 1 MiB)
  stop SLOT --epoch E       SIGTERM to the slot's current run, SIGKILL after policy.stopGrace;
                            refused (77) when E is older than the lease epoch this node last pulled
SLOT is one of this node's slots: "role" or "role@owner/name".
Anything else runs nothing, is written to .git/factoryctl/rpc-journal.jsonl and exits 77 (a verb
outside the list, shell metacharacters, no command) or 65 (bad arguments, an unknown slot, a
line over ${RPC_LIMITS.lineBytes} bytes).`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const dir = requireDir(ctx);
  const answer = await answerRpc(
    {
      words: args,
      line: ctx.env.SSH_ORIGINAL_COMMAND,
      ...(ctx.env.SSH_CLIENT ? { from: ctx.env.SSH_CLIENT.split(' ')[0]! } : {}),
    },
    {
      dir,
      node: ctx.node,
      env: ctx.env,
      now: ctx.now,
      log: (line) => ctx.err(`factoryctl node rpc: ${line}`),
      version: pkg.version,
    },
  );
  if (answer.text !== undefined && !ctx.json) process.stdout.write(answer.text);
  else if (answer.json) ctx.out(JSON.stringify(answer.json));
  else if (ctx.json) ctx.out(JSON.stringify({ ok: false, error: answer.error, exitCode: answer.code }));
  const error = answer.error ?? (answer.code !== EXIT.OK ? (answer.json?.error as string | undefined) : undefined);
  const refused = answer.code === EXIT.NOPERM || answer.code === EXIT.DATAERR;
  if (error) ctx.err(`factoryctl node rpc: ${refused ? 'refused: ' : ''}${error}`);
  return answer.code;
}
