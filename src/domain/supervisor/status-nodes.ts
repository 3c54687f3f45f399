// STATUS.md's Nodes section: each machine's state and slot count (a table, rewritten as soon as it
// changes), and its memory now as a text bar with the level-1 line marked. The bars move with every
// sample, so they sit between markers that status-render.ts leaves out of the "changed" test:
// like the charts, they are refreshed only with them.
import type { FactoryConfig } from '../config/factory-schema.js';
import type { NodeDecision } from '../config/state-schema.js';
import type { Placement } from '../placement/assignments-file.js';
import { nodesView } from '../placement/nodes-view.js';
import { formatMinute } from './format.js';
import type { NodeTelemetryTexts } from './status-telemetry.js';

export interface StatusNode {
  node: string;
  state: string;
  since?: number;
  slots: number;
  level1Mb: number;
  /** Rounded down to the page's memory bucket, so a small move redraws nothing. */
  availableMb?: number;
  totalMb?: number;
}

export const HEADROOM_START = '<!-- headroom: refreshed with the charts -->';
export const HEADROOM_END = '<!-- /headroom -->';
const BAR_WIDTH = 40;

/** The page's nodes: none (the section is left out) until the supervisor has placed a slot. */
export function statusNodes(
  config: Pick<FactoryConfig, 'nodes' | 'policy'>,
  assignments: Placement | undefined,
  decisions: readonly NodeDecision[],
  telemetry: readonly NodeTelemetryTexts[],
  bucketMb: number,
): StatusNode[] {
  if (!assignments || Object.keys(assignments.slots).length === 0) return [];
  const samples = new Map(telemetry.map((t) => [t.node, t.sample]));
  const nodes = new Set([...decisions.map((d) => d.node), ...samples.keys()]);
  const byNode = new Map(
    [...nodes].map((node) => {
      const decision = decisions.find((d) => d.node === node);
      const sample = samples.get(node);
      return [node, { ...(decision ? { decision } : {}), ...(sample !== undefined ? { sample } : {}) }];
    }),
  );
  // `now` only feeds heartbeat ages, which the page does not show.
  return nodesView({ config, assignments, telemetry: byNode, now: 0 }).map((n) => ({
    node: n.node,
    state: n.state,
    ...(n.stateSince ? { since: Date.parse(n.stateSince) } : {}),
    slots: n.slots.length,
    level1Mb: n.level1Mb,
    ...(n.memAvailableMb !== undefined
      ? { availableMb: Math.max(0, Math.floor(n.memAvailableMb / bucketMb) * bucketMb) }
      : {}),
    ...(n.memTotalMb !== undefined ? { totalMb: Math.round(n.memTotalMb) } : {}),
  }));
}

/**
 * `[##########|######..............]`: the whole bar is the node's total memory, `#` what is
 * free, `.` what is used, `|` where the level-1 line falls (below it the node halts dev).
 */
export function headroomBar(availableMb: number, totalMb: number, level1Mb: number, width = BAR_WIDTH): string {
  const cells = (mb: number) => Math.max(0, Math.min(width, Math.round((mb / totalMb) * width)));
  const bar: string[] = Array.from({ length: width }, (_, i) => (i < cells(availableMb) ? '#' : '.'));
  if (level1Mb > 0 && level1Mb < totalMb) bar[Math.min(width - 1, cells(level1Mb))] = '|';
  return `[${bar.join('')}]`;
}

/** The section's lines; none for a factory without placement, so its page is unchanged. */
export function nodesSection(
  nodes: readonly StatusNode[],
  table: (head: string[], rows: string[][]) => string[],
): string[] {
  if (nodes.length === 0) return [];
  const name = Math.max(...nodes.map((n) => n.node.length));
  const bars = nodes.map((n) => {
    const label = n.node.padEnd(name);
    if (n.availableMb === undefined || !n.totalMb) return `${label}  no memory sample yet`;
    const above = n.availableMb - n.level1Mb;
    return `${label}  ${headroomBar(n.availableMb, n.totalMb, n.level1Mb)}  ${n.availableMb} of ${n.totalMb} MiB free, ${above >= 0 ? `${above} above` : `${-above} below`} level 1`;
  });
  return [
    '## Nodes',
    '',
    ...table(
      ['node', 'state', 'since', 'slots', 'level 1 at'],
      nodes.map((n) => [
        n.node,
        n.state,
        n.since !== undefined ? formatMinute(n.since) : '-',
        String(n.slots),
        `${n.level1Mb} MiB free`,
      ]),
    ),
    '',
    'Memory: the bar is the whole of it, `#` free, `.` used, `|` the level-1 line (below it dev halts).',
    '',
    HEADROOM_START,
    '```text',
    ...bars,
    '```',
    HEADROOM_END,
    '',
  ];
}
