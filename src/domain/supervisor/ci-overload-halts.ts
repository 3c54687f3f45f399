import type { SupervisorHalt } from '../config/state-schema.js';
import type { CiOverloadLevel, CiOverloadState } from './ci-overload.js';
import { ciRolesAtLevel, type CiHaltRoles } from './ci-overload-roles.js';
import { toIso } from './format.js';

/** Marks the halts in factory-state/halts.yaml that CI overload owns, so other halts are left alone. */
export const CI_OVERLOAD_BY = 'supervisor/ci-overload';

/** The factory-wide halts that a CI overload state stands for. */
export function ciOverloadHalts(state: CiOverloadState, roles: CiHaltRoles): SupervisorHalt[] {
  return ciRolesAtLevel(roles, state.level).map((role) => ({
    role,
    reason: state.reason,
    by: CI_OVERLOAD_BY,
    since: toIso(state.since),
  }));
}

/**
 * Reads the state back from halts.yaml, so a restarted supervisor (or one run from cron) continues
 * where it was. Any CI halt means level 1 at least (also one of a role since renamed in config: the
 * next change rewrites them all); a second-limit role among them means level 2.
 */
export function ciOverloadStateFromHalts(
  halts: readonly SupervisorHalt[],
  roles: CiHaltRoles,
): CiOverloadState | undefined {
  const mine = halts.filter((h) => h.by === CI_OVERLOAD_BY && h.node === undefined && h.repo === undefined);
  if (mine.length === 0) return undefined;
  const level: CiOverloadLevel = mine.some((h) => roles.second.includes(h.role)) ? 2 : 1;
  const latest = mine.reduce((a, b) => (Date.parse(a.since) >= Date.parse(b.since) ? a : b));
  return { level, reason: latest.reason, since: Date.parse(latest.since) };
}

/** Replaces CI overload's halts in the list, keeping every other writer's halts in place and in order. */
export function withCiOverloadHalts(
  halts: readonly SupervisorHalt[],
  state: CiOverloadState,
  roles: CiHaltRoles,
): SupervisorHalt[] {
  return [...halts.filter((h) => h.by !== CI_OVERLOAD_BY), ...ciOverloadHalts(state, roles)];
}
