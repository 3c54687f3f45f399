import type { FactoryConfig } from '../config/factory-schema.js';
import type { Policy } from '../config/policy-schema.js';
import { effectivePolicy } from '../pressure/effective-policy.js';
import type { PlacementNode } from './types.js';

/**
 * A node's level-1 memory line in MiB available: the factory's policy with the node's overrides.
 * Pressure thresholds are MiB available already (policy-schema.ts), so no conversion; a level 1
 * without a memory signal is no line (0).
 */
export function level1FreeMb(factoryPolicy: Policy, node: FactoryConfig['nodes'][string] | undefined): number {
  return effectivePolicy(factoryPolicy, node?.policy).levels['1']?.memAvailableMb?.halt ?? 0;
}

/** What the supervisor observed of a node this cycle. */
export type NodeObservation = Pick<
  PlacementNode,
  'liveness' | 'livenessReason' | 'haltedRoles' | 'memAvailableMb' | 'memTotalMb' | 'agentsUsedMb'
>;

/** A node as placement takes it: its entry in factory.yaml with what was observed of it. */
export function placementNode(
  name: string,
  config: Pick<FactoryConfig, 'nodes' | 'policy'>,
  observed: NodeObservation,
): PlacementNode {
  const entry = config.nodes[name] ?? config.nodes.default;
  return {
    name,
    roles: entry?.roles ?? [],
    labels: entry?.labels ?? {},
    caps: entry?.caps ?? {},
    level1FreeMb: level1FreeMb(config.policy, entry),
    ...observed,
  };
}
