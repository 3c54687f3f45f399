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

/** A node's own decision (its run dir and its telemetry branch): the level it has reached. */
export const NodeDecision = z.strictObject({
  node: NodeName,
  level: z.number().int().min(0).max(3),
  halted: z.array(RoleName),
  reason: z.string(),
  since: IsoTime,
  updatedAt: IsoTime,
});
export type NodeDecision = z.infer<typeof NodeDecision>;
