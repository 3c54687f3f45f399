import { ConfigError, FactoryError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { AlarmsFile, type Alarm } from '../domain/config/alarm-schema.js';
import { RepoSlug } from '../domain/config/common.js';
import { parseYamlWithSchema } from '../domain/config/parse-yaml.js';
import { addAlarm, removeAlarms, renderAlarmsYaml, type AlarmSpec } from '../domain/supervisor/alarms-edit.js';
import { describeAlarm, PIPELINE_FINISHED } from '../domain/supervisor/alarms-evaluate.js';
import { toIso } from '../domain/supervisor/format.js';
import { STATE_PATHS } from '../domain/supervisor/state-files.js';
import { lookupTarget } from '../adapters/forge/observe.js';
import { pullFastForward } from '../adapters/git/pull.js';
import { readFilesAt } from '../adapters/git/read-files.js';
import { runGit } from '../adapters/git/run-git.js';
import { createServerClients } from '../adapters/forge/server-clients.js';
import { commitStateFiles } from '../adapters/control-repo/state-commit.js';
import { requireDir, type CommandContext } from './context.js';
import { actor, parseUntil } from './override-command.js';
import { parseFlags } from './parse-flags.js';
import { loadSupervisorConfig } from '../adapters/control-repo/supervisor-config.js';

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
  pipeline: { type: 'string' }, pr: { type: 'string' }, issue: { type: 'string' }, at: { type: 'string' },
  repo: { type: 'string' }, command: { type: 'string' }, note: { type: 'string' }, now: { type: 'string' },
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

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

function specFrom(v: Values, now: number): Omit<AlarmSpec, 'createdBy' | 'createdAt'> {
  const given = (['pipeline', 'pr', 'issue', 'at'] as const).filter((k) => v[k] !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --pipeline N, --pr N, --issue N, --at TIME');
  if (v.repo !== undefined && !RepoSlug.safeParse(v.repo).success) throw new UsageError(`--repo takes OWNER/NAME, got "${v.repo}"`);
  const extra = { ...(v.command ? { command: v.command } : {}), ...(v.note ? { note: v.note } : {}) };
  if (given[0] === 'at') {
    const at = parseUntil(v.at, now)!;
    if (Date.parse(at) <= now) throw new FactoryError(`--at ${v.at} is not in the future (now ${toIso(now)})`, EXIT.DATAERR);
    return { kind: 'time', at: toIso(Date.parse(at)), ...extra };
  }
  const text = v[given[0]!]!;
  const number = Number(text);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`--${given[0]} takes a positive number, got "${text}"`);
  const kind = given[0] === 'pr' ? 'pull' : given[0]!;
  if (kind !== 'pipeline' && v.repo === undefined) throw new UsageError(`--${given[0]} needs --repo OWNER/NAME`);
  return { kind, number, ...(v.repo ? { repo: v.repo } : {}), ...extra };
}

async function add(ctx: CommandContext, dir: string, v: Values, now: number): Promise<number> {
  const spec = specFrom(v, now);
  const loaded = await loadSupervisorConfig(dir);
  if (!loaded.ok) throw new FactoryError(`the config is invalid:\n${loaded.problems.join('\n')}`, EXIT.CONFIG);
  const where = spec.repo ? ` of ${spec.repo}` : '';
  const what = `${spec.kind === 'pull' ? 'PR' : spec.kind} #${spec.number}${where}`;
  if (spec.kind !== 'time') {
    const clients = createServerClients(loaded.config.factory, ctx.env);
    const seen = await lookupTarget(clients, loaded.config.repos, { kind: spec.kind, number: spec.number!, ...(spec.repo ? { repo: spec.repo } : {}) });
    if ('error' in seen) throw new FactoryError(`cannot check that ${what} exists: ${seen.error}; no alarm was added`, EXIT.UNAVAILABLE);
    if (seen.state.kind === 'missing') throw new FactoryError(`${what} does not exist (the ${spec.kind === 'pipeline' ? 'CI server' : 'forge'} answered 404); no alarm was added`, EXIT.DATAERR);
    const finished = (seen.state.kind === 'pipeline' && PIPELINE_FINISHED.has(seen.state.status)) || (seen.state.kind !== 'pipeline' && seen.state.state === 'closed');
    if (finished) ctx.err(`factoryctl alarm: note: ${what} has already finished; the alarm fires at the supervisor's next look`);
  }
  const full = { ...spec, createdBy: await actor(dir, ctx), createdAt: toIso(now) } as AlarmSpec;
  let alarm: Alarm | undefined;
  let added = false;
  const result = await commitStateFiles(dir, [STATE_PATHS.alarms], (files) => {
    const r = addAlarm(parseAlarms(files.get(STATE_PATHS.alarms)), full);
    alarm = r.alarm;
    added = r.added;
    return r.added ? { changes: { [STATE_PATHS.alarms]: renderAlarmsYaml(r.alarms) }, message: `alarm add ${r.alarm.id}: ${describeAlarm(r.alarm)}${r.alarm.note ? ` (${r.alarm.note})` : ''}` } : null;
  });
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, added, alarm, sha: result.sha, pushed: result.pushed }));
  else ctx.out(added ? `alarm ${alarm!.id} set: fires when ${describeAlarm(alarm!)}${result.pushed ? ' (pushed)' : ''}` : `alarm ${alarm!.id} was already set`);
  return EXIT.OK;
}

async function list(ctx: CommandContext, dir: string): Promise<number> {
  if ((await runGit(dir, ['remote'])).stdout.trim() !== '') {
    const pulled = await pullFastForward(dir, 10_000);
    if (!pulled.ok) ctx.err(`factoryctl alarm: pull failed (${pulled.error}): showing the last pulled alarms`);
  }
  const alarms = parseAlarms((await readFilesAt(dir, 'HEAD', [STATE_PATHS.alarms])).get(STATE_PATHS.alarms));
  if (ctx.json) ctx.out(JSON.stringify({ alarms }));
  else if (alarms.length === 0) ctx.out('no pending alarms');
  else for (const a of alarms) ctx.out(`${a.id.padEnd(28)} ${describeAlarm(a)}${a.command ? `, then runs \`${a.command}\`` : ''}${a.note ? ` (${a.note})` : ''} [${a.createdBy}]`);
  return EXIT.OK;
}

async function remove(ctx: CommandContext, dir: string, ids: string[]): Promise<number> {
  if (ids.length === 0) throw new UsageError('alarm rm takes the ID of an alarm (see alarm list)');
  let missing: string[] = [];
  const result = await commitStateFiles(dir, [STATE_PATHS.alarms], (files) => {
    const current = parseAlarms(files.get(STATE_PATHS.alarms));
    const r = removeAlarms(current, ids);
    missing = ids.filter((id) => !r.removed.some((a) => a.id === id));
    return missing.length === 0 ? { changes: { [STATE_PATHS.alarms]: renderAlarmsYaml(r.alarms) }, message: `alarm rm ${ids.join(' ')}` } : null;
  });
  if (missing.length > 0) throw new FactoryError(`no pending alarm ${missing.join(', ')} (see factoryctl alarm list); nothing was removed`, EXIT.NOINPUT);
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, removed: ids, sha: result.sha, pushed: result.pushed }));
  else ctx.out(`removed ${ids.join(', ')}${result.pushed ? ' (pushed)' : ''}`);
  return EXIT.OK;
}

function parseAlarms(text: string | undefined): Alarm[] {
  if (text === undefined || text.trim() === '') return [];
  const r = parseYamlWithSchema(STATE_PATHS.alarms, text, AlarmsFile);
  if (!r.ok) throw new ConfigError(r.problems.filter((p) => p.severity === 'error'));
  return r.value.alarms;
}
