// What STATUS.md's charts draw, from the files nodes commit to their telemetry branches and from the
// page's own previous charts (the supervisor's past halts live nowhere else on main).
import type { HaltSpan, MemorySample } from './status-model.js';

/** The telemetry files of one node as read from its branch; absent files are undefined. */
export interface NodeTelemetryTexts {
  node: string;
  history?: string;
  sample?: string;
  journal?: string;
}

function jsonLines(text: string | undefined): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object') out.push(value as Record<string, unknown>);
    } catch {
      // a torn last line (the node was killed mid-write): the others still count
    }
  }
  return out;
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = text === undefined ? undefined : JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const time = (v: unknown): number | undefined => (typeof v === 'string' ? num(Date.parse(v)) : num(v));

/**
 * One reading per history line (the lowest of its roll-up, dated at its end: the chart draws the
 * worst of each bucket) and the latest sample; unmeasured figures (null) are skipped, not zero.
 */
export function memorySamples(t: NodeTelemetryTexts): MemorySample[] {
  const out: MemorySample[] = [];
  for (const line of jsonLines(t.history)) {
    const at = time(line.to);
    const min = num((line.memAvailableMb as { min?: unknown } | undefined)?.min);
    if (at !== undefined && min !== undefined) out.push({ node: t.node, at, availableMb: min });
  }
  const sample = parseObject(t.sample);
  const at = time(sample?.at);
  const mem = num(sample?.memAvailableMb);
  const limit = cgroupLimitCaption(sample?.memLimit);
  if (at !== undefined && mem !== undefined)
    out.push({ node: t.node, at, availableMb: mem, ...(limit === undefined ? {} : { limit }) });
  return out;
}

/** "cgroup-v1 limit 200 MB" when the sample was measured against a memory cgroup, not the machine. */
function cgroupLimitCaption(memLimit: unknown): string | undefined {
  const l = memLimit as { source?: unknown; limitMb?: unknown } | undefined;
  const mb = num(l?.limitMb);
  return (l?.source === 'cgroup-v1' || l?.source === 'cgroup-v2') && mb !== undefined
    ? `${l.source} limit ${Math.round(mb)} MB`
    : undefined;
}

/**
 * Halt spans of a node's roles from its journal: role-halted opens one, role-resumed closes it;
 * still open at the end means it lasts. Repository-scoped entries are left to the tables.
 */
export function journalHaltSpans(t: NodeTelemetryTexts): HaltSpan[] {
  const open = new Map<string, HaltSpan>();
  const spans: HaltSpan[] = [];
  for (const e of jsonLines(t.journal)) {
    const at = time(e.at);
    if (at === undefined || typeof e.role !== 'string' || e.repo !== undefined) continue;
    if (e.kind === 'role-halted' && !open.has(e.role)) {
      open.set(e.role, { role: e.role, node: t.node, from: at, reason: typeof e.reason === 'string' ? e.reason : '' });
    } else if (e.kind === 'role-resumed') {
      const span = open.get(e.role);
      if (span) spans.push({ ...span, to: at });
      open.delete(e.role);
    }
  }
  return [...spans, ...open.values()];
}

const GANTT_BAR = /^ {2}(.+?) :(active|done), (\d{4}-\d\d-\d\d \d\d:\d\d), (\d{4}-\d\d-\d\d \d\d:\d\d)$/;
const gantt = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00Z`);

/**
 * The halt bars of a previous STATUS.md, as closed spans: how a halt the supervisor has since
 * lifted (halts.yaml keeps only those in force) stays on the chart for the rest of the day.
 */
export function haltSpansFromStatus(text: string | undefined): HaltSpan[] {
  const start = text?.indexOf('\n### Halts\n') ?? -1;
  if (!text || start < 0) return [];
  const end = text.indexOf('\n```\n', start + 1);
  const spans: HaltSpan[] = [];
  let role: string | undefined;
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n')) {
    const section = /^ {2}section (.+)$/.exec(line);
    if (section) role = section[1]!;
    const bar = GANTT_BAR.exec(line);
    if (!bar || role === undefined) continue;
    const [from, to] = [gantt(bar[3]!), gantt(bar[4]!)];
    if (Number.isNaN(from) || Number.isNaN(to)) continue;
    spans.push({ role, ...(bar[1] === 'all nodes' ? {} : { node: bar[1]! }), from, to, reason: 'earlier status page' });
  }
  return spans;
}
