// `factoryctl alerts silence`: the silence as given on the command line, and the commit that adds it.
import type { AlertsFile, Silence } from '../config/alerts-file-schema.js';
import { untilTime } from '../until.js';
import { CONTROL_PATHS } from '../control-paths.js';
import { EMPTY_ALERTS, renderAlertsYaml } from './alerts-file.js';
import { parseSilenceTarget } from './silence.js';

export type SilenceSpec = { ok: true; silence: Silence } | { ok: false; kind: 'usage'; message: string };

export function silenceFromArgs(
  target: string | undefined,
  until: string | undefined,
  reason: string | undefined,
  by: string,
  now: number,
): SilenceSpec {
  const usage = (message: string) => ({ ok: false as const, kind: 'usage' as const, message });
  if (!target) return usage('alerts silence takes a fingerprint or label=value matchers');
  if (!until) return usage('alerts silence needs --until (an ISO time or a duration such as 2h)');
  if (!reason?.trim()) return usage('alerts silence needs --reason');
  const what = parseSilenceTarget(target);
  if (typeof what === 'string') return usage(what);
  const end = untilTime(until, now);
  if (!end.ok) return usage(`--until: ${end.error}`);
  if (Date.parse(end.at) <= now) return usage(`--until ${until} is not in the future`);
  const createdAt = new Date(now).toISOString();
  const id = `s-${now.toString(36)}`;
  return { ok: true, silence: { id, ...what, until: end.at, reason: reason.trim(), createdBy: by, createdAt } };
}

export function silenceAddCommit(file: AlertsFile | undefined, silence: Silence) {
  const base = file ?? EMPTY_ALERTS;
  const silences = [...base.silences.filter((s) => s.id !== silence.id), silence];
  const what =
    silence.fingerprint ??
    Object.entries(silence.matchers ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  return {
    changes: { [CONTROL_PATHS.alerts]: renderAlertsYaml({ ...base, silences }) },
    message: `alerts: silence ${what} until ${silence.until} (${silence.createdBy}): ${silence.reason}`,
  };
}
