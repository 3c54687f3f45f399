import type { z } from 'zod';
import { parseDuration } from '../duration.js';
import type { CiOverload } from '../config/supervisor-schema.js';
import { formatSpan } from './format.js';
import { ciRolesAtLevel, type CiHaltRoles } from './ci-overload-roles.js';

export type CiOverloadConfig = z.output<typeof CiOverload>;
export interface CiQueue {
  pendingCount: number;
  oldestPendingAgeMs: number;
}
/** The queue, or why it is unknown (the CI call failed, timed out, ran out of budget). */
export type CiQueueObservation = CiQueue | { error: string } | undefined;
/** 0: nothing halted; 1: the first roles (review-like) halted; 2: the second (dev-like) too. */
export type CiOverloadLevel = 0 | 1 | 2;
export interface CiOverloadState {
  level: CiOverloadLevel;
  reason: string;
  since: number;
  /** Since when the queue has stayed below the resume threshold of the current level. */
  belowResumeSince?: number;
}
export interface CiOverloadDecision {
  state: CiOverloadState;
  halted: string[];
  changed: boolean;
  dataMissing: boolean;
  reason: string;
}
export const CI_CLEAR: CiOverloadState = { level: 0, reason: 'CI queue within limits', since: 0 };

interface Limit {
  pending: number;
  ageMs: number;
  name: string;
}

/**
 * Halts the first roles past the first limit and the second roles past the second, at once
 * (which roles: ciHaltRoles, from config); resumes one level per
 * decision, only after the queue has stayed below resumeFraction of that level's limit for
 * resumeHoldMs. Unknown data keeps the previous decision: it never resumes and never halts.
 */
export function decideCiOverload(
  prev: CiOverloadState | undefined,
  queue: CiQueueObservation,
  cfg: CiOverloadConfig,
  now: number,
  options: { roles: CiHaltRoles; resumeHoldMs?: number },
): CiOverloadDecision {
  const before = prev ?? { ...CI_CLEAR, since: now };
  const { roles } = options;
  const halted = (level: CiOverloadLevel) => ciRolesAtLevel(roles, level);
  const describeLevel = (level: CiOverloadLevel) =>
    level === 0 || halted(level).length === 0
      ? 'nothing halted for CI'
      : `${halted(level).join(' and ')} halted factory-wide`;
  const limits: Record<1 | 2, Limit> = {
    1: { pending: cfg.reviewPending, ageMs: parseDuration(cfg.reviewOldestPending), name: nameOf(roles.first) },
    2: { pending: cfg.devPending, ageMs: parseDuration(cfg.devOldestPending), name: nameOf(roles.second) },
  };
  const keep = (reason: string, dataMissing: boolean, state: CiOverloadState = before): CiOverloadDecision => ({
    state,
    halted: halted(state.level),
    changed: false,
    dataMissing,
    reason,
  });

  if (queue === undefined || 'error' in queue) {
    const why = queue === undefined ? 'no answer' : queue.error;
    const { belowResumeSince: _dropped, ...state } = before;
    return keep(
      `CI queue unknown (${why}): keeping the previous decision, ${describeLevel(before.level)}`,
      true,
      state,
    );
  }

  const over = (l: Limit) => queue.pendingCount >= l.pending || queue.oldestPendingAgeMs >= l.ageMs;
  const hit: CiOverloadLevel = over(limits[2]) ? 2 : over(limits[1]) ? 1 : 0;
  const figures = `${queue.pendingCount} pending, the oldest waiting ${formatSpan(queue.oldestPendingAgeMs)}`;

  if (hit > before.level) {
    const l = limits[hit as 1 | 2];
    const reason = `CI queue past the ${l.name} limit (${figures}; limit ${l.pending} pending or ${formatSpan(l.ageMs)}): ${describeLevel(hit)}`;
    return {
      state: { level: hit, reason, since: now },
      halted: halted(hit),
      changed: true,
      dataMissing: false,
      reason,
    };
  }
  if (before.level === 0)
    return keep(`CI queue within limits (${figures})`, false, { ...CI_CLEAR, since: before.since });

  const l = limits[before.level];
  const resumePending = l.pending * cfg.resumeFraction;
  const resumeAgeMs = l.ageMs * cfg.resumeFraction;
  const threshold = `below ${trim(resumePending)} pending and ${formatSpan(resumeAgeMs)}`;
  if (!(queue.pendingCount < resumePending && queue.oldestPendingAgeMs < resumeAgeMs)) {
    const { belowResumeSince: _reset, ...state } = before;
    return keep(
      `CI queue not drained yet (${figures}; ${l.name} resumes ${threshold}): ${describeLevel(before.level)}`,
      false,
      state,
    );
  }
  const belowSince = before.belowResumeSince ?? now;
  const hold = options.resumeHoldMs ?? 0;
  if (now - belowSince < hold) {
    return keep(
      `CI queue draining (${figures}), ${threshold} for ${formatSpan(now - belowSince)} of ${formatSpan(hold)}: ${describeLevel(before.level)}`,
      false,
      { ...before, belowResumeSince: belowSince },
    );
  }
  const level = (before.level - 1) as CiOverloadLevel;
  const reason = `CI queue drained (${figures}; ${threshold}): ${l.name} resumes${level > 0 ? `, ${describeLevel(level)}` : ''}`;
  return {
    state: { level, reason, since: now },
    halted: halted(level),
    changed: true,
    dataMissing: false,
    reason,
  };
}

/** A limit is named by the roles it halts ("review", "dev"), or by its rank when it halts none. */
function nameOf(roles: readonly string[]): string {
  return roles.length > 0 ? roles.join('+') : 'CI';
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
