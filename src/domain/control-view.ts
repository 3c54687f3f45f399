import { CONTROL_PATHS } from './control-paths.js';
import { parseDuration } from './duration.js';
import { configuredSilenceMs } from './node-silence.js';
import type { FactoryConfig } from './config/factory-schema.js';
import type { Override, SupervisorHalt } from './config/state-schema.js';
import type { AssignedSlots } from './placement/slot-owner.js';

/**
 * The part of the control repo an agent's gate needs, as plain JSON: cached per content hash
 * so that the hot path parses no YAML and loads no schema library when nothing changed.
 */
export interface ControlView {
  factory: string;
  gate: { pullTimeoutMs: number; maxStalenessMs: number };
  roles: Record<
    string,
    {
      protected: boolean;
      heavy: boolean;
      haltLevel: number;
      maxConcurrent?: number;
      maxConcurrentPerRepo?: number;
      maxConcurrentFactory?: number;
    }
  >;
  /** silenceMs: how long the node's decision holds without an update (see node-silence.ts); absent in views cached by older builds. */
  nodes: Record<string, { runDir?: string; stateDir?: string; roles: string[]; silenceMs?: number }>;
  overrides: Override[];
  halts: SupervisorHalt[];
  /** Which node runs each agent slot (assignments.yaml); empty when the supervisor never placed any. */
  assignments: AssignedSlots;
}

/** The files the gate reads, from the one table of control-repo paths. */
export const CONTROL_FILES = {
  factory: CONTROL_PATHS.factory,
  overrides: CONTROL_PATHS.overrides,
  halts: CONTROL_PATHS.halts,
  assignments: CONTROL_PATHS.assignments,
} as const;

/** Each control file's part of the view, cached and kept-last-good on its own. */
export interface ViewParts {
  factory: Omit<ControlView, 'overrides' | 'halts' | 'assignments'>;
  overrides: Override[];
  halts: SupervisorHalt[];
  assignments: AssignedSlots;
}

export function toConfigView(config: FactoryConfig): ViewParts['factory'] {
  return {
    factory: config.name,
    gate: {
      pullTimeoutMs: parseDuration(config.gate.pullTimeout),
      maxStalenessMs: parseDuration(config.gate.maxStaleness),
    },
    roles: Object.fromEntries(
      Object.entries(config.roles).map(([name, r]) => [
        name,
        {
          protected: r.protected,
          heavy: r.heavy,
          haltLevel: r.haltLevel ?? 3,
          ...(r.maxConcurrent ? { maxConcurrent: r.maxConcurrent } : {}),
          ...(r.maxConcurrentPerRepo ? { maxConcurrentPerRepo: r.maxConcurrentPerRepo } : {}),
          ...(r.maxConcurrentFactory ? { maxConcurrentFactory: r.maxConcurrentFactory } : {}),
        },
      ]),
    ),
    nodes: Object.fromEntries(
      Object.entries(config.nodes).map(([name, n]) => [
        name,
        {
          roles: n.roles,
          ...(n.runDir ? { runDir: n.runDir } : {}),
          ...(n.stateDir ? { stateDir: n.stateDir } : {}),
          silenceMs: configuredSilenceMs(config.policy, n),
        },
      ]),
    ),
  };
}

/** A machine not listed in factory.yaml takes the "default" entry. */
export function nodeEntry<T>(nodes: Record<string, T>, node: string): T | undefined {
  return nodes[node] ?? nodes.default;
}
