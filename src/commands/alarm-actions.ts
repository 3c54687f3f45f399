import { FactoryError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { CONTROL_PATHS } from '../domain/control-paths.js';
import { alarmFromFlags, alarmListLine, judgeTarget, type AlarmFlags } from '../domain/supervisor/alarm-spec.js';
import { alarmAddCommit, alarmRemoveCommit, type AlarmSpec } from '../domain/supervisor/alarms-edit.js';
import { describeAlarm } from '../domain/supervisor/alarms-evaluate.js';
import { parseAlarmsYaml } from '../domain/supervisor/alarms-file.js';
import { toIso } from '../domain/supervisor/format.js';
import { lookupTarget } from '../adapters/forge/observe.js';
import { createServerClients } from '../adapters/forge/server-clients.js';
import { cachedPullTimeout } from '../adapters/control-repo/pull-timeout.js';
import { commitStateFiles } from '../adapters/control-repo/state-commit.js';
import { loadSupervisorConfig } from '../adapters/control-repo/supervisor-config.js';
import { pullFastForward } from '../adapters/git/pull.js';
import { readFilesAt } from '../adapters/git/read-files.js';
import { controlRemote } from '../adapters/git/remote.js';
import { checkSigningKey } from '../adapters/git/signing.js';
import type { CommandContext } from './context.js';
import { actor } from './override-command.js';
import { orThrow } from './refusal.js';

// alarm add, list and rm: each checks, commits through the one commit path, and prints.
const PATH = CONTROL_PATHS.alarms;

export async function add(ctx: CommandContext, dir: string, flags: AlarmFlags, now: number): Promise<number> {
  const { spec } = orThrow(alarmFromFlags(flags, now));
  const loaded = await loadSupervisorConfig(dir);
  if (!loaded.ok) throw new FactoryError(`the config is invalid:\n${loaded.problems.join('\n')}`, EXIT.CONFIG);
  if (spec.kind !== 'time') {
    const seen = await lookupTarget(createServerClients(loaded.config.factory, ctx.env), loaded.config.repos, {
      kind: spec.kind,
      number: spec.number!,
      ...(spec.repo ? { repo: spec.repo } : {}),
    });
    const { note } = orThrow(judgeTarget(spec, seen));
    if (note) ctx.err(`factoryctl alarm: ${note}`);
  }
  const full = { ...spec, createdBy: await actor(dir, ctx), createdAt: toIso(now) } as AlarmSpec;
  let edit: ReturnType<typeof alarmAddCommit> | undefined;
  await checkSigningKey(ctx.env);
  const result = await commitStateFiles(
    dir,
    [PATH],
    (files) => (edit = alarmAddCommit(orThrow(parseAlarmsYaml(files.get(PATH))).value, full)).commit,
  );
  const { added, alarm } = edit!;
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, added, alarm, sha: result.sha, pushed: result.pushed }));
  else
    ctx.out(
      added
        ? `alarm ${alarm.id} set: fires when ${describeAlarm(alarm)}${result.pushed ? ' (pushed)' : ''}`
        : `alarm ${alarm.id} was already set`,
    );
  return EXIT.OK;
}

export async function list(ctx: CommandContext, dir: string): Promise<number> {
  if (await controlRemote(dir)) {
    const pulled = await pullFastForward(dir, cachedPullTimeout(dir));
    if (!pulled.ok) ctx.err(`factoryctl alarm: pull failed (${pulled.error}): showing the last pulled alarms`);
  }
  const alarms = orThrow(parseAlarmsYaml((await readFilesAt(dir, 'HEAD', [PATH])).get(PATH))).value;
  if (ctx.json) ctx.out(JSON.stringify({ alarms }));
  else if (alarms.length === 0) ctx.out('no pending alarms');
  else for (const a of alarms) ctx.out(alarmListLine(a));
  return EXIT.OK;
}

export async function remove(ctx: CommandContext, dir: string, ids: string[]): Promise<number> {
  if (ids.length === 0) throw new UsageError('alarm rm takes the ID of an alarm (see alarm list)');
  let missing: string[] = [];
  await checkSigningKey(ctx.env);
  const result = await commitStateFiles(dir, [PATH], (files) => {
    const r = alarmRemoveCommit(orThrow(parseAlarmsYaml(files.get(PATH))).value, ids);
    missing = r.missing;
    return r.commit;
  });
  if (missing.length > 0)
    throw new FactoryError(
      `no pending alarm ${missing.join(', ')} (see factoryctl alarm list); nothing was removed`,
      EXIT.NOINPUT,
    );
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, removed: ids, sha: result.sha, pushed: result.pushed }));
  else ctx.out(`removed ${ids.join(', ')}${result.pushed ? ' (pushed)' : ''}`);
  return EXIT.OK;
}
