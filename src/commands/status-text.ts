// What `factoryctl status` prints as text: the grid as a table, then the supervisor's own figures.
import { formatDuration } from '../domain/duration.js';
import type { RoleState } from '../domain/effective-state.js';
import type { SupervisorStats } from '../adapters/control-repo/supervisor-stats.js';

/** One line per row, columns padded, each line cut to the terminal's width; a silent node marked STALE. */
export function renderTable(
  rows: RoleState[],
  now: number,
  width: number,
  stale: ReadonlySet<string> = new Set(),
): string {
  const table = rows.map((r) => [
    stale.has(r.node) ? `${r.node} (STALE)` : r.node,
    r.role + (r.repo ? ` ${r.repo}` : ''),
    r.state === 'halt' ? 'HALTED' : 'run',
    r.source,
    r.since ? `${formatDuration(now - Date.parse(r.since))} ago` : '-',
    `${r.reason}${r.until ? ` (until ${r.until})` : ''}${r.source !== 'none' ? ` [${r.by}]` : ''}`,
  ]);
  const header = ['NODE', 'ROLE', 'STATE', 'SOURCE', 'SINCE', 'WHY'];
  const cols = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(cols[i]!)))
      .join('  ')
      .slice(0, width);
  return [line(header), ...table.map(line)].join('\n');
}

/** The budget as used/remaining per server, then the next wake. */
export function describeSupervisorStats(s: SupervisorStats, now: number, ago: (ms: number) => string): string[] {
  const servers = Object.entries(s.budgets).sort(([a], [b]) => (a < b ? -1 : 1));
  const budget =
    servers.length === 0
      ? `0/${s.budgetLimit} used, ${s.budgetLimit} remaining per 30m (no API called yet)`
      : servers.map(([name, b]) => `${name} ${b.used}/${b.limit} used, ${b.remaining} remaining`).join('; ');
  const wake = s.nextWake.at >= now ? `in ${ago(s.nextWake.at - now)}` : `${ago(now - s.nextWake.at)} overdue`;
  const lines = [
    `supervisor on ${s.node} (${s.mode === 'loop' ? 'daemon' : '--once'}), last cycle ${ago(Math.max(0, now - s.at))} ago: ${s.calls} API calls`,
    `  call budget (supervisor.budget): ${budget}`,
    `  next wake ${new Date(s.nextWake.at).toISOString()} (${wake}): ${s.nextWake.reason}`,
  ];
  if (s.lease?.lapsedAt !== undefined)
    lines.push(`  lease: standby (lease lapsed at ${new Date(s.lease.lapsedAt).toISOString()}): ${s.lease.note ?? ''}`);
  else if (s.lease)
    lines.push(
      `  lease: ${s.lease.role}${s.lease.holder ? `, held by ${s.lease.holder}` : ''}${s.lease.epoch !== undefined ? ` (epoch ${s.lease.epoch})` : ''}${s.lease.expiresAt ? ` until ${new Date(s.lease.expiresAt).toISOString()}` : ''}${s.lease.note ? `: ${s.lease.note}` : ''}`,
    );
  lines.push(
    s.clockOffsetMs === undefined
      ? '  clock: offset from the forge not measured yet (time alarms fire by this clock)'
      : `  clock: the forge's Date header puts this clock ${formatOffset(s.clockOffsetMs)}; time alarms fire by the forge's clock`,
  );
  return lines;
}

/** "60.2 s ahead" when the forge is behind us (a negative offset), "3.0 s behind" when it is ahead. */
function formatOffset(offsetMs: number): string {
  const s = (Math.abs(offsetMs) / 1000).toFixed(1);
  return offsetMs <= 0 ? `${s} s ahead (at most)` : `${s} s behind (at least)`;
}
