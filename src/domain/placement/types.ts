import type { Placement } from './assignments-file.js';
import type { CandidateRows } from './candidate-rows.js';
import type { LivenessClass } from './liveness.js';

/** One agent slot to place: a role, or a role for one repository. */
export interface PlacementSlot {
  /** "dev" or "dev@owner/name", as assignmentsFor names it. */
  id: string;
  role: string;
  repo?: string;
  /** Labels the node must carry, each with this value (the role's, then the repository agent's). */
  nodeSelector: Readonly<Record<string, string>>;
  /** MiB one run needs at its peak: learned from earlier runs, else the configured default. */
  peakMb: number;
}

/** One node as the supervisor sees it this cycle: config, liveness, halts and measured memory. */
export interface PlacementNode {
  name: string;
  /** Roles factory.yaml lets it run. */
  roles: readonly string[];
  labels: Readonly<Record<string, string>>;
  /** Per role, at most this many slots at once. */
  caps: Readonly<Record<string, number>>;
  liveness: LivenessClass;
  livenessReason?: string;
  /** Roles halted on this node, with why: its own pressure level, a supervisor halt or an override scoped to it. */
  haltedRoles: Readonly<Record<string, string>>;
  /** MiB available as the node's (cgroup-aware) sampler measured it; absent: not measured. */
  memAvailableMb?: number;
  memTotalMb?: number;
  /**
   * MiB its agent slots held at that sample. Given back before placing, since every slot placed
   * here is charged its whole peak: a run that happened to be going during the sample is not
   * counted twice, so the slots it already runs do not look like a reason to move them.
   */
  agentsUsedMb?: number;
  /** Its level-1 memory line: MiB available below which it halts its level-1 roles (0: none). */
  level1FreeMb: number;
}

export interface PlacementPolicy {
  /** Another node must offer this many MiB more headroom before a slot leaves a node that still qualifies. */
  stickinessMarginMb: number;
  /** Voluntary moves (for headroom) per cycle; moves off a node that no longer qualifies are not limited. */
  maxMovesPerCycle: number;
}

export const DEFAULT_PLACEMENT_POLICY: PlacementPolicy = { stickinessMarginMb: 512, maxMovesPerCycle: 2 };

export interface PlacementInput {
  slots: readonly PlacementSlot[];
  nodes: readonly PlacementNode[];
  /** The assignments in force (the last committed file). */
  previous: Placement;
  /** Roles halted factory-wide (a supervisor halt or an override without a node), with why. */
  haltedRoles: Readonly<Record<string, string>>;
  policy: PlacementPolicy;
  /** ISO time of this decision, written into the file. */
  decidedAt: string;
  epoch?: number;
}

export interface SlotMove {
  slot: string;
  from: string | null;
  to: string | null;
  /** Its node stopped qualifying (not limited by maxMovesPerCycle). */
  forced: boolean;
}

export interface PlacementResult {
  assignments: Placement;
  /** every node's score or exclusion for every slot (assignments.yaml's candidates) */
  candidates: CandidateRows;
  /** Nodes whose slots changed (gained, lost, halted or resumed one), by name: kick these. */
  kick: string[];
  moves: SlotMove[];
}
