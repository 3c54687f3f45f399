import type { Override } from './config/state-schema.js';

export interface Scope {
  role: string;
  node?: string;
  repo?: string;
}

const sameScope = (a: Scope, b: Scope) => a.role === b.role && a.node === b.node && a.repo === b.repo;
const expired = (o: Override, now: number) => o.until !== undefined && Date.parse(o.until) <= now;

/** Adds (or replaces, for the same scope) an override; expired ones are dropped on the way. */
export function withOverride(current: Override[], entry: Override, now: number): Override[] {
  return [...current.filter((o) => !expired(o, now) && !sameScope(o, entry)), entry];
}

/**
 * Removes the halts a resume lifts: every halt of the role inside the given scope
 * (`resume dev` lifts all dev halts; `resume dev --node a` only those pinned to node a).
 */
export function withoutHalts(
  current: Override[],
  scope: Scope,
  now: number,
): { overrides: Override[]; lifted: Override[] } {
  const inScope = (o: Override) =>
    o.action === 'halt' &&
    o.role === scope.role &&
    (scope.node === undefined || o.node === scope.node) &&
    (scope.repo === undefined || o.repo === scope.repo);
  return {
    overrides: current.filter((o) => !expired(o, now) && !inScope(o)),
    lifted: current.filter((o) => !expired(o, now) && inScope(o)),
  };
}

export function describeScope(s: Scope): string {
  return `${s.role}${s.repo ? ` for ${s.repo}` : ''} on ${s.node ? `node ${s.node}` : 'all nodes'}`;
}
