import { FactoryError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { SyncInfo } from '../domain/gate-decision.js';
import { lastSyncAt, pullFastForward } from '../adapters/git/pull.js';
import { cachedPullTimeout, GATE_PULL, takeEarlyPull } from '../gate-early.js';
import { mayHaveRemote } from '../adapters/git/remote.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl gate <role> [--repo OWNER/NAME] [--node NAME] [--no-pull] [--json]
       factoryctl gate <role> [--repo OWNER/NAME] ... -- COMMAND ARGS...

Pulls the control repo and answers whether <role> may run now on this node.
  exit 0   run
  exit 75  halted (EX_TEMPFAIL): the reason, who decided it and since when go to stderr
With -- COMMAND, runs it while holding one of roles.<role>.maxConcurrent slots on this node
(and of maxConcurrentPerRepo for --repo), and exits with its code; over the cap: 75,
"3 of 3 running". The slot is a kernel lock: it is free as soon as the command is gone.
If the pull fails the gate decides from the last pulled state and says so; past
gate.maxStaleness heavy roles fail closed, the others open.

  --repo OWNER/NAME  the repository this agent works on (halts can target one repository)
  --no-pull          decide from the state already pulled (another process keeps it fresh)

In dev-poll.sh:  factoryctl gate dev --repo "$FACTORY_REPO" || exit 0`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const dash = args.indexOf('--');
  const command = dash < 0 ? undefined : args.slice(dash + 1);
  if (command?.length === 0) throw new FactoryError('gate ROLE -- needs a command after --', EXIT.USAGE);
  const flags = dash < 0 ? args : args.slice(0, dash);
  const { values, positionals } = parseFlags(flags, { repo: { type: 'string' }, 'no-pull': { type: 'boolean' } }, 1);
  const role = positionals[0];
  if (!role) throw new FactoryError('gate needs a role, e.g. `factoryctl gate dev`', EXIT.USAGE);
  const dir = requireDir(ctx);

  const sync: SyncInfo = { pull: 'skipped', localOnly: !mayHaveRemote(dir) };
  // The pull is the gate's floor and runs in its own process: start it before anything else,
  // and load the code that answers while git talks to the remote.
  const pulling =
    values['no-pull'] || sync.localOnly
      ? undefined
      : (takeEarlyPull(dir) ?? pullFastForward(dir, cachedPullTimeout(dir), Date.now, GATE_PULL));
  const { answerGate } = await import('../runtime/gate/answer.js');
  if (pulling) {
    const outcome = await pulling;
    sync.pull = outcome.ok ? 'ok' : 'failed';
    if (!outcome.ok) sync.pullError = outcome.error;
  }
  sync.lastSyncAt = lastSyncAt(dir);
  return answerGate({ dir, role, repo: values.repo, sync, ...(command ? { command } : {}) }, ctx);
}
