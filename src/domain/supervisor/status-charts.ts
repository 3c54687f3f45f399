import type { ChartWindow, HaltBar, MemorySeries } from './status-model.js';
import { formatMinute, formatSpan } from './format.js';

// Mermaid as Forgejo bundles it (v10.x, v11.x): `xychart-beta` (v10.3+; plain `xychart` is v11-only),
// one unnamed `line` per chart (series names and legends are newer), no double quotes inside strings,
// plain decimals only. A numeric x-axis of 1 --> n puts point i at i whichever of the two spacing
// formulas the version uses ((max-min+1)/n in v10, (max-min)/(n-1) in some v11). Gantt is long stable.

/** A quoted Mermaid string: its grammar has no escape for a double quote. */
function quoted(text: string): string {
  return `"${text.replace(/["\n\r]/g, "'")}"`;
}

/** Gantt task and section names end at ':' and '#' starts a comment: keep them plain. */
function plain(text: string): string {
  return text.replace(/[^A-Za-z0-9 ._/-]/g, '_').trim() || '_';
}

/** One line chart of a node's available memory; undefined when there are fewer than two points to draw. */
export function memoryChart(series: MemorySeries, win: ChartWindow): string | undefined {
  if (series.points.length < 2) return undefined;
  const top = Math.max(500, Math.ceil(Math.max(...series.points) / 500) * 500);
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${quoted(`${series.node}: available memory${series.limit ? ` (of its ${series.limit})` : ''}, lowest of each ${formatSpan(win.bucketMs)}`)}`,
    `  x-axis ${quoted(`${formatSpan(win.bucketMs)} steps from ${formatMinute(series.start)}`)} 1 --> ${series.points.length}`,
    `  y-axis "MB" 0 --> ${top}`,
    `  line [${series.points.join(', ')}]`,
    '```',
  ].join('\n');
}

function ganttTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ');
}

/** A Gantt chart of halts: one section per role, one bar per node (or "all nodes") and period. */
export function haltChart(bars: readonly HaltBar[], win: ChartWindow): string | undefined {
  if (bars.length === 0) return undefined;
  const lines = [
    '```mermaid',
    'gantt',
    `  title Halts from ${ganttTime(win.start)} to ${ganttTime(win.end)} UTC`,
    '  dateFormat YYYY-MM-DD HH:mm',
    '  axisFormat %H:%M',
    '  todayMarker off',
  ];
  let section: string | undefined;
  for (const b of bars) {
    if (b.role !== section) {
      section = b.role;
      lines.push(`  section ${plain(b.role)}`);
    }
    lines.push(`  ${plain(b.scope)} :${b.ongoing ? 'active' : 'done'}, ${ganttTime(b.from)}, ${ganttTime(b.to)}`);
  }
  lines.push('```');
  return lines.join('\n');
}
