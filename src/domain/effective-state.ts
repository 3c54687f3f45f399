import type { NodeDecision, Override, SupervisorHalt } from './config/state-schema.js';
import { placementLayer, type AssignedSlots } from './placement/slot-owner.js';
import { isProtectedRole } from './roles/protected.js';

export interface RoleQuery {
  role: string;
  node: string;
  repo?: string;
}

export interface DecisionSources {
  overrides: Override[];
  halts: SupervisorHalt[];
  /** The node's own decision, if its daemon has made one. */
  nodeDecision?: NodeDecision;
  /** Roles factory.yaml marks `protected: true`; the supervisor and the node daemon are protected whether listed or not. */
  protectedRoles: string[];
  /** The newest assignments.yaml pulled: a slot placed on another node is halted here. */
  assignments?: AssignedSlots;
}

export type Source = 'override' | 'supervisor' | 'node' | 'placement' | 'none';

export interface Layer {
  state: 'run' | 'halt';
  reason: string;
  by: string;
  since: string;
  until?: string;
}

export interface RoleState extends RoleQuery {
  state: 'run' | 'halt';
  source: Source;
  reason: string;
  by: string;
  since?: string;
  until?: string;
  /** A protected role: it runs whatever the sources say (the gate's staleness rule spares it too). */
  protected?: true;
  /** What each source says, shown by the gate and `status`. */
  layers: { override?: Layer; supervisor?: Layer; node?: Layer; placement?: Layer; outside?: Layer };
}

/**
 * The architecture's rule: the humans' override if any, else the most severe of the
 * supervisor's decision and the node's own. Protected roles always run; a slot assigned to
 * another node never runs here, whatever else says run.
 */
export function effectiveState(query: RoleQuery, sources: DecisionSources, now: number): RoleState {
  const override = mostSpecific(sources.overrides.filter((o) => applies(o, query) && !expired(o, now)));
  const halt = mostSpecific(sources.halts.filter((h) => applies(h, query)));
  const node = sources.nodeDecision;
  const layers: RoleState['layers'] = {};
  if (override)
    layers.override = {
      state: override.action,
      reason: override.reason,
      by: override.by,
      since: override.since,
      ...(override.until ? { until: override.until } : {}),
    };
  if (halt) layers.supervisor = { state: 'halt', reason: halt.reason, by: halt.by, since: halt.since };
  if (node && node.node === query.node && node.halted.includes(query.role)) {
    layers.node = { state: 'halt', reason: node.reason, by: `node ${node.node}`, since: node.since };
  }
  const placed = sources.assignments ? placementLayer(sources.assignments, query) : undefined;
  if (placed) layers.placement = placed;

  if (isProtectedRole(query.role, { protected: sources.protectedRoles.includes(query.role) })) {
    return {
      ...query,
      state: 'run',
      source: 'none',
      reason: 'protected role: never halted',
      by: 'policy',
      protected: true,
      layers,
    };
  }
  // One place at a time beats a human's pin to run: a pinned slot runs on the node it is assigned to.
  if (layers.placement && layers.override?.state !== 'halt')
    return { ...query, ...layers.placement, source: 'placement', layers };
  if (layers.override) return { ...query, ...layers.override, source: 'override', layers };
  const severe = layers.supervisor ?? layers.node;
  if (severe) {
    const both = layers.supervisor && layers.node ? `; also ${layers.node.by}: ${layers.node.reason}` : '';
    return {
      ...query,
      ...severe,
      reason: severe.reason + both,
      source: layers.supervisor ? 'supervisor' : 'node',
      layers,
    };
  }
  return { ...query, state: 'run', source: 'none', reason: 'no halt in force', by: 'default', layers };
}

function applies(scope: { role: string; node?: string; repo?: string }, query: RoleQuery): boolean {
  if (scope.role !== query.role && scope.role !== 'all') return false;
  if (scope.node !== undefined && scope.node !== query.node) return false;
  // A repo-scoped entry halts that repository's agent only; an unscoped query is the role as a whole.
  return scope.repo === undefined || scope.repo === query.repo;
}

function expired(o: Override, now: number): boolean {
  return o.until !== undefined && Date.parse(o.until) <= now;
}

/** Node and repo scoped entries beat broader ones; among equals the newest wins. */
function mostSpecific<T extends { node?: string; repo?: string; since: string }>(entries: T[]): T | undefined {
  const rank = (e: T) => (e.node ? 2 : 0) + (e.repo ? 1 : 0);
  return [...entries].sort((a, b) => rank(b) - rank(a) || Date.parse(b.since) - Date.parse(a.since))[0];
}
