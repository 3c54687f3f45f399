import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../domain/duration.js';
import { logEvents } from '../domain/logs/collect.js';
import type { LogEvent } from '../domain/logs/log-event.js';
import { LOG_HEADER, logJson, logLine } from '../domain/logs/render.js';
import { mergeLogs, type LogFilter } from '../domain/logs/select.js';
import { pastTime } from '../domain/logs/time-bound.js';
import { controlRemote } from '../adapters/git/remote.js';
import { readLogSources } from '../adapters/telemetry/log-sources.js';
import { followLogs, followWait } from '../runtime/logs/follow.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';
import { terminalWidth } from './placement-text.js';

export const help = `usage: factoryctl logs [--node N] [--role R] [--repo R] [--since T] [--until T]
                      [--follow [--interval D]] [--no-pull] [--json]
       factoryctl logs --agent SLOT [--node N] [--lines N]

Every node's journal (journal.jsonl on its telemetry/<node> branch) and the
supervisor's recent decisions (STATUS.md on main), merged by time, one line
each: time (UTC), node, source (node, or sup for the supervisor), event,
reason. A node keeps its last 200 events; STATUS.md the last 20 decisions.
  --node N, --role R, --repo R  only events of that node, role, repository (a
                   supervisor's decision is kept when it names them)
  --since T, --until T  a duration before now (1d, 2h) or an ISO time
  --follow         keep printing as telemetry lands: fetch every --interval
                   (default 15s), print only new events; ends on Ctrl-C
  --no-pull        read what is already fetched
  --json           one JSON object per event and line
  --agent SLOT     that agent slot's own run log, asked of its node over SSH
                   (the rpc logs verb; the node from assignments.yaml, or
                   --node); --lines N of its end (default 200, at most 5000)`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      role: { type: 'string' },
      repo: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      follow: { type: 'boolean' },
      interval: { type: 'string' },
      'no-pull': { type: 'boolean' },
      agent: { type: 'string' },
      lines: { type: 'string' },
    },
    0,
  );
  const dir = requireDir(ctx);
  // Loaded when used: a plain `logs --no-pull` parses no config (zod and yaml are most of a start).
  if (values.agent !== undefined)
    return (await import('./logs-agent.js')).agentLog(dir, ctx, values.agent, values.lines);
  const filter = logFilter(values, ctx);
  const intervalMs = duration(values.interval ?? '15s', '--interval');
  const width = terminalWidth();
  let lastNotes = '';
  const read = async (): Promise<LogEvent[]> => {
    const notes: string[] = [];
    const remote =
      values['no-pull'] === true
        ? await controlRemote(dir)
        : await (await import('./control-pull.js')).pullControl(dir, false, notes);
    if (notes.join('\n') !== lastNotes) for (const note of notes) ctx.err(`factoryctl logs: ${note}`);
    lastNotes = notes.join('\n');
    return mergeLogs(logEvents(await readLogSources(dir, remote, filter.node), filter), filter);
  };
  const print = (events: readonly LogEvent[]) => {
    if (events.length === 0) return;
    ctx.out(events.map((e) => (ctx.json ? logJson(e) : logLine(e, width))).join('\n'));
  };
  if (!ctx.json) ctx.out(LOG_HEADER(width));
  if (values.follow !== true) {
    print(await read());
    return EXIT.OK;
  }
  await followLogs({ read, print, wait: followWait(intervalMs) });
  return EXIT.OK;
}

function logFilter(values: Record<string, string | boolean | undefined>, ctx: CommandContext): LogFilter {
  const time = (flag: 'since' | 'until') => {
    const text = values[flag];
    if (typeof text !== 'string') return undefined;
    const parsed = pastTime(text, ctx.now());
    if (!parsed.ok) throw new UsageError(`--${flag}: ${parsed.error}`);
    return parsed.at;
  };
  const f: LogFilter = {};
  const set = <K extends keyof LogFilter>(k: K, v: LogFilter[K] | undefined) => v !== undefined && (f[k] = v);
  set('node', ctx.nodeFlag);
  set('role', values.role as string | undefined);
  set('repo', values.repo as string | undefined);
  set('since', time('since'));
  set('until', time('until'));
  return f;
}

function duration(text: string, flag: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}
