import { z } from 'zod';
import { IsoTime, NodeName, RepoSlug, RoleName } from './common.js';

/** Where a decision applies; an absent node or repo means every one. */
const Scope = {
  role: RoleName,
  node: NodeName.optional(),
  repo: RepoSlug.optional(),
};

/** factory-state/overrides.yaml: the humans' one file; pinned halts or runs. */
export const Override = z.strictObject({
  ...Scope,
  action: z.enum(['halt', 'run']),
  reason: z.string().min(1),
  by: z.string().min(1),
  since: IsoTime,
  until: IsoTime.optional(),
});
export const OverridesFile = z.strictObject({ overrides: z.array(Override).default([]) });
export type Override = z.infer<typeof Override>;

/** factory-state/halts.yaml: the leader supervisor's factory-wide halts. */
export const SupervisorHalt = z.strictObject({
  ...Scope,
  reason: z.string().min(1),
  by: z.string().min(1),
  since: IsoTime,
});
export const HaltsFile = z.strictObject({ halts: z.array(SupervisorHalt).default([]) });
export type SupervisorHalt = z.infer<typeof SupervisorHalt>;

/** An agent slot: a role ("dev") or a role for one repository ("dev@owner/name"), as assignmentsFor names it. */
export const SlotId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}(@[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)?$/, 'a slot: ROLE or ROLE@OWNER/NAME');

/** A node's own decision (its run dir and its telemetry branch): the level it has reached. */
export const NodeDecision = z.strictObject({
  node: NodeName,
  level: z.number().int().min(0).max(3),
  halted: z.array(RoleName),
  reason: z.string(),
  since: IsoTime,
  updatedAt: IsoTime,
  /** decidedAt of the newest assignments.yaml the node has applied: a slot leaving it is let go once this is past the move */
  placementSeen: IsoTime.optional(),
  /** Per role, how many of its runs in a row were stopped past maxRuntime (absent: none). */
  runaways: z
    .record(RoleName, z.strictObject({ count: z.number().int().min(1), at: IsoTime, reason: z.string() }))
    .optional(),
  /**
   * Per slot whose last run exited non-zero: how many runs in a row did, and the last one's code and
   * time (absent: every slot's last run succeeded). Only streaks: a successful run changes nothing here.
   */
  exits: z
    .record(SlotId, z.strictObject({ count: z.number().int().min(1), code: z.number().int(), at: IsoTime }))
    .optional(),
  /** The node's last reclaim action before a level: what it ran and what it freed. */
  reclaimed: z.strictObject({ at: IsoTime, reason: z.string() }).optional(),
  /** Another writer's change to a role's drop-in `.active` file, in force (node/active-record.ts). */
  outside: z
    .array(z.strictObject({ role: RoleName, file: z.string(), present: z.boolean(), since: IsoTime }))
    .optional(),
  /**
   * The forges this node's repositories use, as its last probe (GET /api/v1/version) found them: one
   * entry for all of them (ok: every probed forge answered; error names each that did not), since when
   * that has been so. Absent: nothing probed (no forge token set on this node, or no probe finished yet).
   */
  forge: z.strictObject({ ok: z.boolean(), since: IsoTime, error: z.string().optional() }).optional(),
});
export type NodeDecision = z.infer<typeof NodeDecision>;

/** One node's standing for a slot: its score (MiB free after placement), or why it could not take it. */
export const Candidate = z.union([
  z.strictObject({ score: z.number().describe('MiB free above the level-1 line after placing this slot there') }),
  z.strictObject({ excluded: z.string().min(1).describe('why this node cannot take the slot') }),
]);
export type Candidate = z.infer<typeof Candidate>;

export const SlotAssignment = z.strictObject({
  node: NodeName.nullable().describe('the node that runs this slot; null: none (the slot waits)'),
  halted: z
    .boolean()
    .optional()
    .describe('true: the slot waits, run nowhere (no node qualifies, or its role is halted)'),
  reason: z.string().min(1).describe('why this node, or why none'),
  handoff: z
    .strictObject({
      from: NodeName.describe('the node the slot is leaving'),
      since: IsoTime.describe('when the move was decided'),
    })
    .optional()
    .describe('the slot runs nowhere until the node it left has applied the move and has no run of it left'),
  candidates: z.record(NodeName, Candidate).default({}).describe("every node's score or exclusion, by name"),
});
export type SlotAssignment = z.infer<typeof SlotAssignment>;

/** A node's liveness class as the leader last judged it, and since when (the leader's reading, for other machines' `nodes`). */
export const NodeStanding = z.strictObject({
  state: z
    .enum(['ready', 'suspect', 'down'])
    .describe('ready: takes new work; suspect: keeps its slots, gets no new ones; down: its slots move'),
  since: IsoTime.describe('when the leader first judged it so'),
});
export type NodeStanding = z.infer<typeof NodeStanding>;

/** factory-state/assignments.yaml: the leader supervisor's placement of every agent slot on a node. */
export const AssignmentsFile = z.strictObject({
  decidedAt: IsoTime.optional().describe('when the supervisor decided this placement'),
  epoch: z.number().int().min(0).optional().describe('the lease epoch of the supervisor that decided'),
  slots: z
    .record(SlotId, SlotAssignment, {
      error: (issue) => (issue.code === 'invalid_key' ? 'a slot: ROLE or ROLE@OWNER/NAME' : undefined),
    })
    .default({})
    .describe('per agent slot (ROLE or ROLE@OWNER/NAME): its node, why, and every candidate'),
  nodes: z
    .record(NodeName, NodeStanding)
    .optional()
    .describe("each node's liveness class as the leader judged it; changes only when a class does"),
  peaks: z
    .record(SlotId, z.number().int().positive())
    .optional()
    .describe(
      "per slot, MiB one run held at the most the nodes' samplers have shown; rewritten only when it grows by 10 % and 32 MiB",
    ),
});
export type AssignmentsFile = z.infer<typeof AssignmentsFile>;
