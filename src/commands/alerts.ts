import { UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { CONTROL_PATHS } from '../domain/control-paths.js';
import { parseAlertsYaml, EMPTY_ALERTS } from '../domain/alerts/alerts-file.js';
import { silenceAddCommit, silenceFromArgs, type SilenceSpec } from '../domain/alerts/silence-edit.js';
import { cachedPullTimeout } from '../adapters/control-repo/pull-timeout.js';
import { commitStateFiles } from '../adapters/control-repo/state-commit.js';
import { pullFastForward } from '../adapters/git/pull.js';
import { readFilesAt } from '../adapters/git/read-files.js';
import { controlRemote } from '../adapters/git/remote.js';
import { requireDir, type CommandContext } from './context.js';
import { alertLines } from './alerts-text.js';
import { actor } from './override-command.js';
import { parseFlags } from './parse-flags.js';
import { orThrow } from './refusal.js';

export const help = `usage: factoryctl alerts [--json]
       factoryctl alerts silence <fingerprint|label=value[,label=value]> --until T --reason R

Lists what the leader supervisor's alert rules see (factory-state/alerts.yaml on main): each alert
firing or pending, since when, where it was sent or why not (a silence, inhibited by its node being
down), and the notifications still waiting for their receiver.
silence commits a silence to alerts.yaml (and pushes it): alerts whose fingerprint is given, or that
have every label=value given (alertname is the rule name), are not sent until T (an ISO time or a
duration from now such as 2h).
  exit 64  a silence without --until or --reason, or a target that is neither form
  --now TIME   FOR TESTS ONLY: the current time`;

const FLAGS = { until: { type: 'string' }, reason: { type: 'string' }, now: { type: 'string' } } as const;
const PATH = CONTROL_PATHS.alerts;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  const [sub, target, ...extra] = positionals;
  const dir = requireDir(ctx);
  const now = values.now ? Date.parse(values.now) : ctx.now();
  if (Number.isNaN(now)) throw new UsageError(`--now: not an ISO time: ${values.now}`);
  if (sub === undefined || sub === 'list' || sub === 'ls') return list(ctx, dir, now);
  if (sub !== 'silence' || extra.length > 0) throw new UsageError('alerts takes list or silence (see --help)');
  const { silence } = orThrow<Extract<SilenceSpec, { ok: true }>>(
    silenceFromArgs(target, values.until, values.reason, await actor(dir, ctx), now),
  );
  const result = await commitStateFiles(dir, [PATH], (files) =>
    silenceAddCommit(orThrow(parseAlertsYaml(files.get(PATH))).value, silence),
  );
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, silence, sha: result.sha, pushed: result.pushed }));
  else ctx.out(`silence ${silence.id} set until ${silence.until}${result.pushed ? ' (pushed)' : ''}`);
  return EXIT.OK;
}

async function list(ctx: CommandContext, dir: string, now: number): Promise<number> {
  if (await controlRemote(dir)) {
    const pulled = await pullFastForward(dir, cachedPullTimeout(dir));
    if (!pulled.ok) ctx.err(`factoryctl alerts: pull failed (${pulled.error}): showing the last pulled state`);
  }
  const file = orThrow(parseAlertsYaml((await readFilesAt(dir, 'HEAD', [PATH])).get(PATH))).value ?? EMPTY_ALERTS;
  if (ctx.json) ctx.out(JSON.stringify({ alerts: file.alerts, silences: file.silences, outbox: file.outbox }));
  else for (const line of alertLines(file, now)) ctx.out(line);
  return EXIT.OK;
}
