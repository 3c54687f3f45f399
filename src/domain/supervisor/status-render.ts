import { describeAlarm } from './alarms-evaluate.js';
import { formatExact, formatMinute, formatSpan } from './format.js';
import { firingAlertsSection } from './status-alerts.js';
import { haltChart, memoryChart } from './status-charts.js';
import { HEADROOM_END, HEADROOM_START, nodesSection } from './status-nodes.js';
import {
  chartWindow,
  DEFAULT_STATUS_OPTIONS,
  haltBars,
  memorySeries,
  type StatusInput,
  type StatusOptions,
} from './status-model.js';

const CHARTS_HEADING = '## Over the last day';

/** Table cells: a pipe would end the cell, a newline the row. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim() || ' ';
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

const by =
  <T>(...keys: ((x: T) => string | number)[]) =>
  (a: T, b: T): number => {
    for (const k of keys) {
      const x = k(a);
      const y = k(b);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };

/**
 * factory-state/STATUS.md. Times are shown to the minute, memory in buckets and charts on whole
 * chart buckets, and nothing relative to now is printed, so a re-render with no meaningful change
 * gives the same bytes and the writer can skip it.
 */
export function renderStatus(input: StatusInput, options: Partial<StatusOptions> = {}): string {
  const opts = { ...DEFAULT_STATUS_OPTIONS, ...options };
  const out: string[] = [
    `# ${input.factory}: factory status`,
    '',
    'Written by the leader supervisor. Halt or resume by hand in `factory-state/overrides.yaml` (or `factoryctl halt/resume`).',
    '',
  ];

  out.push(...firingAlertsSection(input.alerts, table));
  out.push('## Roles on nodes', '');
  const roles = [...input.roles].sort(
    by(
      (r) => r.node,
      (r) => r.role,
      (r) => r.repo ?? '',
    ),
  );
  const stale = [...(input.staleNodes ?? [])].sort(by((n) => n.node));
  const staleNames = new Set(stale.map((n) => n.node));
  if (roles.length === 0) out.push('No node has reported yet.');
  else
    out.push(
      ...table(
        ['node', 'role', 'state', 'decided by', 'reason', 'since'],
        roles.map((r) => [
          staleNames.has(r.node) ? `${r.node} (STALE)` : r.node,
          r.role + (r.repo ? ` ${r.repo}` : ''),
          r.state === 'halt' ? '**halted**' : 'runs',
          r.source ?? '',
          r.reason,
          r.since > 0 ? formatMinute(r.since) : '-',
        ]),
      ),
    );
  if (stale.length > 0) out.push('', ...stale.map((n) => `- ${n.node} STALE: ${n.note.replace(/\r?\n/g, ' ')}`));
  if ((input.notices ?? []).length > 0) out.push('', ...input.notices!.map((n) => `- ${n.replace(/\r?\n/g, ' ')}`));

  const nodes = nodesSection(input.nodes ?? [], table);
  if (nodes.length > 0) out.push('', ...nodes.slice(0, -1));

  out.push('', '## Schedule', '');
  const schedule = Object.entries(input.schedule.roles).sort(by(([role]) => role));
  if (schedule.length === 0) out.push('Not tuned yet.');
  else
    out.push(
      ...table(
        ['role', 'every', 'since', 'reason'],
        schedule.map(([role, s]) => [role, formatExact(s.intervalMs), formatMinute(s.since), s.reason]),
      ),
    );

  out.push('', '## Pending alarms', '');
  const alarms = [...input.alarms].sort(by((a) => a.id));
  if (alarms.length === 0) out.push('None.');
  else
    out.push(
      ...table(
        ['id', 'fires when', 'then runs', 'set by', 'note'],
        alarms.map((a) => [
          a.id,
          describeAlarm(a),
          a.command ? `\`${a.command.replace(/`/g, "'")}\`` : '',
          `${a.createdBy}, ${formatMinute(Date.parse(a.createdAt))}`,
          a.note ?? '',
        ]),
      ),
    );

  out.push('', '## Recent decisions', '');
  const decisions = [...input.decisions]
    .sort(
      by(
        (d) => -d.at,
        (d) => d.text,
      ),
    )
    .slice(0, opts.maxDecisions);
  if (decisions.length === 0) out.push('None yet.');
  else out.push(...decisions.map((d) => `- ${formatMinute(d.at)}: ${d.text.replace(/\r?\n/g, ' ')}`));

  const win = chartWindow(input.now, opts);
  out.push(
    '',
    CHARTS_HEADING,
    '',
    `From ${formatMinute(win.start)} to ${formatMinute(win.end)}, in ${formatSpan(win.bucketMs)} steps.`,
    '',
  );
  const halts = haltChart(haltBars(input.halts, win, opts.maxHaltBars), win);
  out.push('### Halts', '', halts ?? 'No halts.', '');
  out.push('### Available memory', '');
  const charts = memorySeries(input.memory, win, opts.memoryBucketMb).map(
    (s) => memoryChart(s, win) ?? `${s.node}: not enough samples yet.`,
  );
  out.push(...(charts.length === 0 ? ['No memory samples.'] : charts.flatMap((c) => [c, ''])));
  return `${out.join('\n').trimEnd()}\n`;
}

/** The Nodes section's memory bars, markers included; '' when the page has none. */
function headroomBlock(text: string): string {
  const from = text.indexOf(`\n${HEADROOM_START}\n`);
  const to = from < 0 ? -1 : text.indexOf(`\n${HEADROOM_END}\n`, from);
  return to < 0 ? '' : text.slice(from, to + HEADROOM_END.length + 2);
}

/** The text without the charts section and the memory bars: what changes only with the clock and the samples. */
function withoutCharts(text: string): string {
  const at = text.indexOf(`\n${CHARTS_HEADING}\n`);
  const fixed = at < 0 ? text : text.slice(0, at);
  const bars = headroomBlock(fixed);
  return bars ? fixed.replace(bars, '\n') : fixed;
}

/** What only the clock and the samples change: the memory bars, then the charts section ('' without one). */
export function chartsPart(text: string): string {
  const at = text.indexOf(`\n${CHARTS_HEADING}\n`);
  return `${headroomBlock(text)}${at < 0 ? '' : text.slice(at)}`;
}

/**
 * True when anything but the charts differs: a writer can refresh charts alone less often
 * (say hourly) while tables, alarms and decisions are written as soon as they change.
 */
export function statusChangedMeaningfully(oldText: string | undefined, newText: string): boolean {
  return oldText === undefined || withoutCharts(oldText) !== withoutCharts(newText);
}
