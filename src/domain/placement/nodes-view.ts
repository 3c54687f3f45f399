// `factoryctl nodes`, `status` and STATUS.md: each machine as the factory sees it, from factory.yaml,
// the leader's assignments.yaml and the node's own telemetry. Pure: the clock comes in as `now`.
import type { FactoryConfig } from '../config/factory-schema.js';
import type { NodeDecision } from '../config/state-schema.js';
import type { CiAgentView } from '../supervisor/ci-agents.js';
import type { Placement } from './assignments-file.js';
import { level1FreeMb } from './node-input.js';
import { measuredMemory } from './observed-node.js';
import { placedNodes } from './plan-placement.js';

export interface NodeViewSources {
  config: Pick<FactoryConfig, 'nodes' | 'policy'>;
  assignments?: Placement;
  /** Per node, its telemetry branch as read: decision.json parsed, sample.json as committed. */
  telemetry: ReadonlyMap<string, { decision?: NodeDecision; sample?: string }>;
  /** The supervisor's last view of each node's Woodpecker agent (its clone's stats), if any. */
  ciAgents?: readonly CiAgentView[];
  now: number;
}

export interface DiskView {
  mount: string;
  usedPercent: number;
  freeMb: number;
}

export interface NodeView {
  node: string;
  /** The leader's class in assignments.yaml; unknown when it recorded none for this node. */
  state: 'ready' | 'suspect' | 'down' | 'unknown';
  stateSince?: string;
  /** decision.json's updatedAt: the node's last heartbeat, and its age on this clock. */
  heartbeat?: string;
  heartbeatAgeMs?: number;
  memAvailableMb?: number;
  memTotalMb?: number;
  /** The level-1 line (MiB available below which the node halts dev) and the room above it now. */
  level1Mb: number;
  headroomMb?: number;
  /** The fullest mount of the last sample. */
  disk?: DiskView;
  level?: number;
  halted: string[];
  /** Slot ids assignments.yaml gives this node (halted ones too: they stay where they are). */
  slots: string[];
  woodpeckerAgent?: number;
  /** The agent's no_schedule as the supervisor last saw it (only on the supervisor's clone). */
  noSchedule?: boolean;
  ssh?: string;
  /** Whether the node reaches its forges, as its own last probe found (decision.json's forge). */
  forge?: NonNullable<NodeDecision['forge']>;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every node factory.yaml names, or that reported, or that assignments.yaml mentions; by name. */
export function nodesView(s: NodeViewSources): NodeView[] {
  const slotsOf = new Map<string, string[]>();
  for (const [id, slot] of Object.entries(s.assignments?.slots ?? {}))
    if (slot.node !== null) slotsOf.set(slot.node, [...(slotsOf.get(slot.node) ?? []), id]);
  const names = new Set([
    ...placedNodes(s.config),
    ...s.telemetry.keys(),
    ...Object.keys(s.assignments?.nodes ?? {}),
    ...slotsOf.keys(),
  ]);
  return [...names].sort(byName).map((node) => nodeView(node, s, (slotsOf.get(node) ?? []).sort(byName)));
}

function nodeView(node: string, s: NodeViewSources, slots: string[]): NodeView {
  const entry = s.config.nodes[node] ?? s.config.nodes.default;
  const standing = s.assignments?.nodes?.[node];
  const t = s.telemetry.get(node);
  const mem = measuredMemory(t?.sample);
  const level1Mb = level1FreeMb(s.config.policy, entry);
  const agent = s.ciAgents?.find((a) => a.node === node);
  const view: NodeView = {
    node,
    state: standing?.state ?? 'unknown',
    level1Mb,
    halted: t?.decision?.halted ?? [],
    slots,
  };
  if (standing) view.stateSince = standing.since;
  if (t?.decision) {
    view.heartbeat = t.decision.updatedAt;
    view.heartbeatAgeMs = Math.max(0, s.now - Date.parse(t.decision.updatedAt));
    view.level = t.decision.level;
    if (t.decision.forge) view.forge = t.decision.forge;
  }
  if (mem.memAvailableMb !== undefined) {
    view.memAvailableMb = mem.memAvailableMb;
    view.headroomMb = mem.memAvailableMb - level1Mb;
  }
  if (mem.memTotalMb !== undefined) view.memTotalMb = mem.memTotalMb;
  const disk = fullestDisk(t?.sample);
  if (disk) view.disk = disk;
  if (entry?.woodpeckerAgent !== undefined) view.woodpeckerAgent = entry.woodpeckerAgent;
  if (agent?.noSchedule !== undefined) view.noSchedule = agent.noSchedule;
  if (entry?.ssh !== undefined) view.ssh = entry.ssh;
  return view;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The mount with the highest used share in sample.json; a torn or foreign file, or no disk, is none. */
export function fullestDisk(sampleText: string | undefined): DiskView | undefined {
  let disks: unknown;
  try {
    disks = sampleText ? (JSON.parse(sampleText) as { disks?: unknown }).disks : undefined;
  } catch {
    return undefined;
  }
  if (!Array.isArray(disks)) return undefined;
  let worst: DiskView | undefined;
  for (const d of disks as Partial<DiskView>[]) {
    if (typeof d?.mount !== 'string' || !num(d.usedPercent) || !num(d.freeMb)) continue;
    if (!worst || d.usedPercent > worst.usedPercent)
      worst = { mount: d.mount, usedPercent: d.usedPercent, freeMb: d.freeMb };
  }
  return worst;
}
