// The supervisor cycle's placement step: from config, the files on main and what was observed of
// each node, the next assignments.yaml and whom to kick. Pure, so a rejected push re-plans on the
// fresh files. The file is rewritten only when a slot's node or halt, or a node's class, changes:
// scores move with every sample, and a commit per cycle would bury the decisions that matter.
import type { FactoryConfig } from '../config/factory-schema.js';
import type { ResolvedRepoConfig } from '../config/repo-schema.js';
import type { NodeDecision, NodeStanding } from '../config/state-schema.js';
import { parseDuration } from '../duration.js';
import type { Placement } from './assignments-file.js';
import type { CandidateRows } from './candidate-rows.js';
import type { LivenessPolicy, NodeLiveness } from './liveness.js';
import { withHandoffs, type LeavingNode } from './handoff.js';
import { nodesToKick } from './kick.js';
import { factoryWideHalts, nodeHalts, type HaltSources } from './node-halts.js';
import { placementNode } from './node-input.js';
import { measuredSlotPeaks, nextPeaks } from './learned-peaks.js';
import { measuredMemory } from './observed-node.js';
import { place } from './place.js';
import { slotsFor } from './slots.js';
import type { PlacementPolicy, SlotMove } from './types.js';

/** What the runtime observed for placement this cycle. */
export interface PlacementObserved {
  /** Each named node's class, judged on the observer's monotonic clock (liveness.ts). */
  liveness: readonly NodeLiveness[];
}

export interface PlacementPlanInput extends HaltSources {
  config: FactoryConfig;
  repos: readonly { slug: string; config: Pick<ResolvedRepoConfig, 'agents'> }[];
  previous: Placement;
  decisions: readonly NodeDecision[];
  /** sample.json per node, as committed */
  samples: ReadonlyMap<string, string | undefined>;
  observed: PlacementObserved;
  now: number;
  epoch?: number;
}

export interface PlacementPlan {
  assignments: Placement;
  /** every candidate's score or exclusion: rendered with the assignments */
  candidates: CandidateRows;
  /** Write assignments.yaml: a slot's node or halt, or a node's class, changed. */
  changed: boolean;
  kick: string[];
  moves: SlotMove[];
  decisions: string[];
}

/** The nodes factory.yaml names (not `default`): the only ones placement uses, so every name in the file is valid. */
export function placedNodes(config: Pick<FactoryConfig, 'nodes'>): string[] {
  return Object.keys(config.nodes)
    .filter((n) => n !== 'default')
    .sort();
}

export function placementEnabled(config: Pick<FactoryConfig, 'nodes' | 'supervisor'>): boolean {
  const mode = config.supervisor.placement.mode;
  return mode === 'on' || (mode === 'auto' && placedNodes(config).length >= 2);
}

export function placementPolicy(config: Pick<FactoryConfig, 'supervisor'>): PlacementPolicy {
  const p = config.supervisor.placement;
  return { stickinessMarginMb: p.stickinessMarginMb, maxMovesPerCycle: p.maxMovesPerCycle };
}

export function livenessPolicy(config: Pick<FactoryConfig, 'supervisor'>): LivenessPolicy {
  const p = config.supervisor.placement;
  return {
    suspectAfterBeats: p.suspectAfterBeats,
    downAfterBeats: p.downAfterBeats,
    downAfterMinMs: parseDuration(p.downAfterMin),
    leaderGraceMs: parseDuration(p.leaderGrace),
  };
}

export function planPlacement(input: PlacementPlanInput): PlacementPlan {
  const { config, now } = input;
  const roles = Object.keys(config.roles);
  const wide = factoryWideHalts(roles, input, now);
  const decisionOf = new Map(input.decisions.map((d) => [d.node, d]));
  const live = new Map(input.observed.liveness.map((l) => [l.node, l]));
  const measured = new Map(placedNodes(config).map((name) => [name, measuredMemory(input.samples.get(name))]));
  const nodes = placedNodes(config).map((name) => {
    const l = live.get(name);
    const m = measured.get(name)!;
    const decision = decisionOf.get(name);
    return placementNode(name, config, {
      liveness: l?.class ?? 'suspect',
      livenessReason: l?.reason ?? 'not watched yet',
      haltedRoles: nodeHalts(name, roles, decision ? { ...input, decision } : input, wide, now),
      ...(m.memAvailableMb !== undefined ? { memAvailableMb: m.memAvailableMb } : {}),
      ...(m.memTotalMb !== undefined ? { memTotalMb: m.memTotalMb } : {}),
      ...(m.agentsUsedMb !== undefined ? { agentsUsedMb: m.agentsUsedMb } : {}),
    });
  });
  // A learned peak raises the configured one, never lowers it: a sample can miss a run's true peak.
  const configured = slotsFor(config, input.repos);
  const learned = nextPeaks(
    input.previous.peaks ?? {},
    measuredSlotPeaks(input.previous, measured),
    configured.map((s) => s.id),
  );
  const slots = configured.map((s) => ({ ...s, peakMb: Math.max(s.peakMb, learned.peaks[s.id] ?? 0) }));
  const result = place({
    slots,
    nodes,
    previous: input.previous,
    haltedRoles: wide,
    policy: placementPolicy(config),
    decidedAt: new Date(now).toISOString(),
    ...(input.epoch !== undefined ? { epoch: input.epoch } : {}),
  });
  const standings = nextStandings(input.previous.nodes ?? {}, input.observed.liveness, now);
  const leaving = (name: string): LeavingNode | undefined => {
    if (!config.nodes[name]) return undefined;
    const seen = decisionOf.get(name)?.placementSeen;
    return {
      down: live.get(name)?.class === 'down',
      running: measuredMemory(input.samples.get(name)).running ?? [],
      ...(seen !== undefined ? { placementSeen: seen } : {}),
    };
  };
  const handed = withHandoffs(input.previous, result.assignments, leaving);
  const assignments: Placement = {
    ...handed,
    nodes: standings.nodes,
    ...(Object.keys(learned.peaks).length > 0 || input.previous.peaks ? { peaks: learned.peaks } : {}),
  };
  const slotChanges = changedSlots(input.previous, assignments);
  const known = new Set(placedNodes(config));
  return {
    assignments,
    candidates: result.candidates,
    changed:
      slotChanges.length > 0 ||
      standings.changed.length > 0 ||
      learned.changed ||
      input.previous.decidedAt === undefined,
    kick: nodesToKick(input.previous, assignments).filter((n) => known.has(n)),
    moves: result.moves,
    decisions: [...standings.changed, ...slotChanges, ...learned.decisions],
  };
}

function nextStandings(
  prev: Readonly<Record<string, NodeStanding>>,
  liveness: readonly NodeLiveness[],
  now: number,
): { nodes: Record<string, NodeStanding>; changed: string[] } {
  const nodes: Record<string, NodeStanding> = {};
  const changed: string[] = [];
  for (const l of liveness) {
    const before = prev[l.node];
    if (before?.state === l.class) nodes[l.node] = before;
    else {
      nodes[l.node] = { state: l.class, since: new Date(now).toISOString() };
      if (before || l.class !== 'ready') changed.push(`node ${l.node} ${l.class}: ${l.reason}`);
    }
  }
  return { nodes, changed };
}

/** One line per slot whose node or halt changed: what the journal and the commit message say. */
function changedSlots(before: Placement, after: Placement): string[] {
  const out: string[] = [];
  for (const id of Object.keys(after.slots)) {
    const x = before.slots[id];
    const y = after.slots[id]!;
    if (x && x.node === y.node && (x.halted ?? false) === (y.halted ?? false) && !x.handoff === !y.handoff) continue;
    if (x?.handoff && !y.handoff && x.node === y.node) {
      out.push(`${id} starts on ${y.node}: ${x.handoff.from} let it go`);
      continue;
    }
    const where = y.halted
      ? `waits${y.node ? ` on ${y.node}` : ''}`
      : x?.node && x.node !== y.node
        ? `${x.node} -> ${y.node}`
        : `on ${y.node}`;
    const held = y.handoff ? ` (starts once ${y.handoff.from} has let it go)` : '';
    out.push(`${id} ${where}${held}: ${y.reason}`);
  }
  for (const id of Object.keys(before.slots)) if (!after.slots[id]) out.push(`${id} is no longer a slot`);
  return out;
}
