import type { FactoryConfig } from '../config/factory-schema.js';
import type { Alarm } from '../config/alarm-schema.js';
import type { NodeDecision, Override, SupervisorHalt } from '../config/state-schema.js';
import { effectiveState } from '../effective-state.js';
import type { ScheduleState } from './schedule-tune.js';
import type { DecisionRecord, HaltSpan, MemorySample, RoleStatusRow, StatusInput } from './status-model.js';

export interface StatusSources {
  config: Pick<FactoryConfig, 'name' | 'roles' | 'nodes'>;
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
}

/** What STATUS.md shows, from the decisions in force: every role on every known node, through the gate's own rule. */
export function statusInput(s: StatusSources): StatusInput {
  const byNode = new Map(s.nodes.map((d) => [d.node, d]));
  const named = Object.keys(s.config.nodes).filter((n) => n !== 'default');
  const nodes = [...new Set([...named, ...byNode.keys()])].sort();
  if (nodes.length === 0) nodes.push(s.selfNode);
  const protectedRoles = Object.entries(s.config.roles).filter(([, r]) => r.protected).map(([name]) => name);
  const roles: RoleStatusRow[] = [];
  for (const node of nodes) {
    const decision = byNode.get(node);
    const sources = { overrides: s.overrides, halts: s.halts, protectedRoles, ...(decision ? { nodeDecision: decision } : {}) };
    for (const role of (s.config.nodes[node] ?? s.config.nodes.default)?.roles ?? Object.keys(s.config.roles)) {
      const st = effectiveState({ role, node }, sources, s.now);
      const source = st.source === 'none' ? 'default' : st.source;
      roles.push({ node, role, state: st.state, reason: st.reason, since: st.since ? Date.parse(st.since) : 0, source });
    }
  }
  return { factory: s.config.name, now: s.now, roles, schedule: s.schedule, alarms: s.alarms, decisions: s.decisions, memory: s.memory ?? [], halts: [...(s.pastHalts ?? []), ...haltSpans(s)] };
}

/** Halts in force now, as open spans for the chart: the supervisor's, the humans' and each node's own. */
function haltSpans(s: StatusSources): HaltSpan[] {
  const spans: HaltSpan[] = [];
  for (const h of s.halts) spans.push({ role: h.role, ...(h.node ? { node: h.node } : {}), from: Date.parse(h.since), reason: h.reason });
  for (const o of s.overrides) {
    if (o.action !== 'halt' || (o.until !== undefined && Date.parse(o.until) <= s.now)) continue;
    spans.push({ role: o.role, ...(o.node ? { node: o.node } : {}), from: Date.parse(o.since), reason: o.reason });
  }
  for (const d of s.nodes) for (const role of d.halted) spans.push({ role, node: d.node, from: Date.parse(d.since), reason: d.reason });
  return spans;
}
