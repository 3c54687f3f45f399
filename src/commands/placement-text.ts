// What `factoryctl nodes`, `assignments` and `status` print as text: tables that fit the terminal
// (80 columns at least), a detail line under each row when asked for.
import { formatDuration } from '../domain/duration.js';
import { isWaiting, type AssignmentsView, type AssignmentView } from '../domain/placement/assignments-view.js';
import type { NodeView } from '../domain/placement/nodes-view.js';

/** The terminal's width, at least 80 (and 80 when not a terminal); at most 160. */
export function terminalWidth(): number {
  return Math.max(80, Math.min(process.stdout.columns ?? 80, 160));
}

/** MiB as people read them: "900M", "3.9G". */
export function mib(mb: number): string {
  // Rounded first, so 1023.6 reads 1.0G rather than 1024M.
  return Math.abs(Math.round(mb)) < 1024 ? `${Math.round(mb)}M` : `${(mb / 1024).toFixed(1)}G`;
}

function columns(header: string[], rows: string[][]): (cells: string[]) => string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
}

/** A line cut to the width, with an ellipsis where it was cut. */
function fit(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

const NODE_HEADER = ['NODE', 'STATE', 'HEARTBEAT', 'MEM FREE', 'ABOVE L1', 'DISK', 'LEVEL', 'SLOTS'];

function nodeCells(n: NodeView): string[] {
  const memory =
    n.memAvailableMb === undefined
      ? '-'
      : `${mib(n.memAvailableMb)}/${n.memTotalMb === undefined ? '?' : mib(n.memTotalMb)}`;
  return [
    n.node,
    n.state,
    n.heartbeatAgeMs === undefined ? 'never' : `${formatDuration(n.heartbeatAgeMs)} ago`,
    memory,
    n.headroomMb === undefined ? '-' : `${n.headroomMb >= 0 ? '+' : ''}${mib(n.headroomMb)}`,
    n.disk ? `${Math.round(n.disk.usedPercent)}%` : '-',
    n.level === undefined ? '-' : String(n.level),
    String(n.slots.length),
  ];
}

function nodeDetail(n: NodeView): string[] {
  const parts = [`slots: ${n.slots.length ? n.slots.join(', ') : 'none'}`];
  if (n.disk) parts.push(`disk ${n.disk.mount} ${Math.round(n.disk.usedPercent)}% used, ${mib(n.disk.freeMb)} free`);
  parts.push(`level 1 at ${mib(n.level1Mb)}`);
  if (n.halted.length) parts.push(`halted here: ${n.halted.join(', ')}`);
  if (n.woodpeckerAgent !== undefined)
    parts.push(
      `woodpecker agent ${n.woodpeckerAgent}${n.noSchedule === undefined ? '' : n.noSchedule ? ' (no_schedule)' : ' (scheduling)'}`,
    );
  if (n.ssh) parts.push(`ssh ${n.ssh}`);
  if (n.forge)
    parts.push(
      n.forge.ok ? 'reaches its forges' : `forge unreachable since ${n.forge.since}: ${n.forge.error ?? 'no answer'}`,
    );
  return parts;
}

/** Parts joined by "; ", wrapped onto indented lines of at most `width` (a part longer than that is cut). */
function wrapParts(parts: string[], width: number, indent = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [i, part] of parts.entries()) {
    const piece = i < parts.length - 1 ? `${part};` : part;
    if (line && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${piece}` : `${indent}${piece}`;
  }
  if (line) lines.push(line);
  return lines.map((l) => fit(l, width));
}

/** One row per node; `detail`: a second line with its slots, disk, level-1 line, agent and address. */
export function renderNodes(nodes: readonly NodeView[], width: number, detail: boolean): string {
  if (nodes.length === 0) return 'no nodes: factory.yaml names none and none has reported';
  const rows = nodes.map(nodeCells);
  const line = columns(NODE_HEADER, rows);
  const out = [fit(line(NODE_HEADER), width)];
  nodes.forEach((n, i) => {
    out.push(fit(line(rows[i]!), width));
    if (detail) out.push(...wrapParts(nodeDetail(n), width));
  });
  return out.join('\n');
}

function placedOn(a: AssignmentView): string {
  if (a.node === null) return 'waiting';
  return a.halted ? `${a.node} (halted)` : a.node;
}

/** "best: vps2 1.8G, vps1 1.2G, vps3 900M (+2 more); 1 excluded" */
function candidateLine(a: AssignmentView, best: number): string {
  const shown = a.candidates.slice(0, best).map((c) => `${c.node} ${mib(c.score)}`);
  const more = a.candidates.length > best ? ` (+${a.candidates.length - best} more)` : '';
  const scored = shown.length ? `best: ${shown.join(', ')}${more}` : 'no candidate scored';
  const excluded = a.excluded.length ? `; ${a.excluded.length} excluded` : '';
  const first = a.candidates.length === 0 && a.excluded[0] ? ` (${a.excluded[0].node}: ${a.excluded[0].excluded})` : '';
  return `  ${scored}${excluded}${first}`;
}

/** One row per slot; with `best`, a second line with that many best candidates and how many were excluded. */
export function renderAssignments(view: AssignmentsView, width: number, best?: number): string {
  if (view.slots.length === 0) return 'no slots placed: the supervisor has not placed any agent slot';
  const header = ['SLOT', 'NODE', 'WHY'];
  const rows = view.slots.map((a) => [a.slot, placedOn(a), a.reason]);
  const line = columns(header, rows);
  const out = [fit(line(header), width)];
  view.slots.forEach((a, i) => {
    out.push(fit(line(rows[i]!), width));
    if (best !== undefined) out.push(fit(candidateLine(a, best), width));
  });
  return out.join('\n');
}

/** "3 slots on 2 nodes, 1 waiting; decided 2026-12-02T08:00:00Z (epoch 3)" */
export function assignmentsSummary(view: AssignmentsView): string {
  const nodes = new Set(view.slots.flatMap((a) => (a.node === null ? [] : [a.node])));
  const waiting = view.slots.filter(isWaiting).length;
  const decided = view.decidedAt
    ? `; decided ${view.decidedAt}${view.epoch !== undefined ? ` (epoch ${view.epoch})` : ''}`
    : '';
  return `${view.slots.length} slot${view.slots.length === 1 ? '' : 's'} on ${nodes.size} node${nodes.size === 1 ? '' : 's'}, ${waiting} waiting${decided}`;
}
