import { UsageError } from '../errors.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';
import { add, list, remove } from './alarm-actions.js';

export const help = `usage: factoryctl alarm add (--pipeline N [--repo R] | --pr N --repo R | --issue N --repo R | --at TIME)
                            [--command CMD] [--note TEXT]
       factoryctl alarm list
       factoryctl alarm rm ID...

Alarms wake the supervisor when a pipeline finishes, a PR is merged or closed, an issue is closed,
or a time comes (--at: an ISO time or a duration from now, e.g. 2h). They live in
factory-state/alarms.yaml on main (committed and pushed here). When one fires the supervisor runs
a cycle, records it in STATUS.md, runs its --command in the control repo (time-bounded by
supervisor.alarmCommandTimeout) and removes it. --repo may be left out of --pipeline when one
repository in repos/ has CI.

add checks the target on the forge or CI first:
  exit 65  it does not exist (EX_DATAERR: the number names nothing there), or --at is in the past
  exit 69  the forge or CI could not be asked (unreachable, token unset): nothing was added
rm: exit 66 when no pending alarm has that ID (EX_NOINPUT).
  --now TIME   FOR TESTS ONLY: the current time`;

const FLAGS = {
  pipeline: { type: 'string' },
  pr: { type: 'string' },
  issue: { type: 'string' },
  at: { type: 'string' },
  repo: { type: 'string' },
  command: { type: 'string' },
  note: { type: 'string' },
  now: { type: 'string' },
} as const;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  const [sub, ...rest] = positionals;
  const dir = requireDir(ctx);
  const now = values.now ? Date.parse(values.now) : ctx.now();
  if (Number.isNaN(now)) throw new UsageError(`--now: not an ISO time: ${values.now}`);
  if (sub === 'add') return add(ctx, dir, values, now);
  if (sub === 'list' || sub === 'ls') return list(ctx, dir);
  if (sub === 'rm' || sub === 'remove') return remove(ctx, dir, rest);
  throw new UsageError('alarm takes add, list or rm (see factoryctl alarm --help)');
}
