import type { FactoryConfig } from '../config/factory-schema.js';
import type { Alarm } from '../config/alarm-schema.js';
import type { AlertRecord } from '../config/alerts-file-schema.js';
import type { NodeDecision, Override, SupervisorHalt } from '../config/state-schema.js';
import { nodeNotices } from '../node/notices.js';
import { configuredSilenceMs } from '../node-silence.js';
import { roleGrid, type GridSources, type NodeStanding } from '../role-grid.js';
import type { ScheduleState } from './schedule-tune.js';
import type { Placement } from '../placement/assignments-file.js';
import { statusNodes } from './status-nodes.js';
import type { NodeTelemetryTexts } from './status-telemetry.js';
import {
  DEFAULT_STATUS_OPTIONS,
  type DecisionRecord,
  type HaltSpan,
  type MemorySample,
  type RoleStatusRow,
  type StatusInput,
} from './status-model.js';

export interface StatusSources {
  config: Pick<FactoryConfig, 'name' | 'roles' | 'nodes' | 'policy'>;
  overrides: Override[];
  halts: SupervisorHalt[];
  nodes: readonly NodeDecision[];
  /** Shown when no node is named in factory.yaml and none has reported. */
  selfNode: string;
  schedule: ScheduleState;
  alarms: Alarm[];
  decisions: DecisionRecord[];
  now: number;
  /** The nodes' memory readings (telemetry history and latest samples). */
  memory?: MemorySample[];
  /** Halts that may have ended: the nodes' journals and the previous page's chart. */
  pastHalts?: HaltSpan[];
  /** The leader's placement (assignments.yaml as this cycle leaves it): the Nodes section, when it has slots. */
  assignments?: Placement;
  /** The nodes' telemetry files: each node's latest sample for its memory bar. */
  telemetry?: readonly NodeTelemetryTexts[];
  /** alerts.yaml as this cycle leaves it */
  alerts?: readonly AlertRecord[];
}

/** What STATUS.md shows, from the decisions in force: every role on every known node, through the gate's own rule. */
export function statusInput(s: StatusSources): StatusInput {
  const nodes = Object.fromEntries(
    Object.entries(s.config.nodes).map(([name, n]) => [
      name,
      { roles: n.roles, silenceMs: configuredSilenceMs(s.config.policy, n) },
    ]),
  );
  const sources: GridSources = {
    roles: s.config.roles,
    nodes,
    overrides: s.overrides,
    halts: s.halts,
    decisions: new Map(s.nodes.map((d) => [d.node, d])),
    now: s.now,
  };
  const grid = roleGrid(sources, { node: s.selfNode, always: false });
  const roles: RoleStatusRow[] = grid.rows.map((st) => ({
    node: st.node,
    role: st.role,
    ...(st.repo !== undefined ? { repo: st.repo } : {}),
    state: st.state,
    reason: st.reason,
    since: st.since ? Date.parse(st.since) : 0,
    source: st.source === 'none' ? 'default' : st.source,
  }));
  const staleNodes = grid.nodes.flatMap((n) => (n.stale ? [{ node: n.node, note: n.stale }] : []));
  return {
    factory: s.config.name,
    now: s.now,
    roles,
    staleNodes,
    notices: nodeNotices(grid.nodes.flatMap((n) => (n.decision ? [n.decision] : []))),
    schedule: s.schedule,
    alarms: s.alarms,
    decisions: s.decisions,
    memory: s.memory ?? [],
    halts: [...(s.pastHalts ?? []), ...haltSpans(s, grid.nodes)],
    nodes: statusNodes(s.config, s.assignments, s.nodes, s.telemetry ?? [], DEFAULT_STATUS_OPTIONS.memoryBucketMb),
    ...(s.alerts ? { alerts: s.alerts } : {}),
  };
}

/** Halts in force now, as open spans for the chart: the supervisor's, the humans' and each live node's own. */
function haltSpans(s: StatusSources, nodes: NodeStanding[]): HaltSpan[] {
  const spans: HaltSpan[] = [];
  for (const h of s.halts)
    spans.push({ role: h.role, ...(h.node ? { node: h.node } : {}), from: Date.parse(h.since), reason: h.reason });
  for (const o of s.overrides) {
    if (o.action !== 'halt' || (o.until !== undefined && Date.parse(o.until) <= s.now)) continue;
    spans.push({ role: o.role, ...(o.node ? { node: o.node } : {}), from: Date.parse(o.since), reason: o.reason });
  }
  for (const d of nodes.flatMap((n) => (n.decision ? [n.decision] : [])))
    for (const role of d.halted) spans.push({ role, node: d.node, from: Date.parse(d.since), reason: d.reason });
  return spans;
}
