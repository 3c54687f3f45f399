// What `factoryctl alarm add` asks for, built from its flags, and what the forge's answer about
// the target means for it: pure, so the command only parses, wires, calls and prints.
import { RepoSlug } from '../config/common.js';
import { untilTime } from '../until.js';
import type { AlarmSpec } from './alarms-edit.js';
import { describeAlarm, PIPELINE_FINISHED, type TargetState } from './alarms-evaluate.js';
import { toIso } from './format.js';

export interface AlarmFlags {
  pipeline?: string;
  pr?: string;
  issue?: string;
  at?: string;
  repo?: string;
  command?: string;
  note?: string;
}
export type NewAlarm = Omit<AlarmSpec, 'createdBy' | 'createdAt'>;
/** usage: exit 64; data: the target names nothing (65); unavailable: it could not be asked (69). */
export type Refusal = { ok: false; kind: 'usage' | 'data' | 'unavailable'; message: string };

export function alarmFromFlags(v: AlarmFlags, now: number): { ok: true; spec: NewAlarm } | Refusal {
  const given = (['pipeline', 'pr', 'issue', 'at'] as const).filter((k) => v[k] !== undefined);
  if (given.length !== 1) return usage('give exactly one of --pipeline N, --pr N, --issue N, --at TIME');
  if (v.repo !== undefined && !RepoSlug.safeParse(v.repo).success)
    return usage(`--repo takes OWNER/NAME, got "${v.repo}"`);
  const extra = { ...(v.command ? { command: v.command } : {}), ...(v.note ? { note: v.note } : {}) };
  const flag = given[0]!;
  if (flag === 'at') {
    const at = untilTime(v.at!, now);
    if (!at.ok) return usage(`--until: ${at.error}`);
    if (Date.parse(at.at) <= now)
      return { ok: false, kind: 'data', message: `--at ${v.at} is not in the future (now ${toIso(now)})` };
    return { ok: true, spec: { kind: 'time', at: toIso(Date.parse(at.at)), ...extra } };
  }
  const number = Number(v[flag]);
  if (!Number.isInteger(number) || number < 1) return usage(`--${flag} takes a positive number, got "${v[flag]}"`);
  const kind = flag === 'pr' ? 'pull' : flag;
  if (kind !== 'pipeline' && v.repo === undefined) return usage(`--${flag} needs --repo OWNER/NAME`);
  return { ok: true, spec: { kind, number, ...(v.repo ? { repo: v.repo } : {}), ...extra } };
}

/** What the forge or CI said about the alarm's target: refuse, or go on (with a note when it has already finished). */
export function judgeTarget(
  spec: NewAlarm,
  seen: { state: TargetState } | { error: string },
): { ok: true; note?: string } | Refusal {
  const what = `${spec.kind === 'pull' ? 'PR' : spec.kind} #${spec.number}${spec.repo ? ` of ${spec.repo}` : ''}`;
  if ('error' in seen)
    return {
      ok: false,
      kind: 'unavailable',
      message: `cannot check that ${what} exists: ${seen.error}; no alarm was added`,
    };
  const s = seen.state;
  if (s.kind === 'missing')
    return {
      ok: false,
      kind: 'data',
      message: `${what} does not exist (the ${spec.kind === 'pipeline' ? 'CI server' : 'forge'} answered 404); no alarm was added`,
    };
  const finished =
    (s.kind === 'pipeline' && PIPELINE_FINISHED.has(s.status)) || (s.kind !== 'pipeline' && s.state === 'closed');
  return finished
    ? { ok: true, note: `note: ${what} has already finished; the alarm fires at the supervisor's next look` }
    : { ok: true };
}

/** One line of `alarm list`. */
export function alarmListLine(a: Parameters<typeof describeAlarm>[0]): string {
  return `${a.id.padEnd(28)} ${describeAlarm(a)}${a.command ? `, then runs \`${a.command}\`` : ''}${a.note ? ` (${a.note})` : ''} [${a.createdBy}]`;
}

function usage(message: string): Refusal {
  return { ok: false, kind: 'usage', message };
}
