// Another writer's change to a role's drop-in file, as the gate and `status` show it (active-record.ts).
import type { NodeDecision } from '../config/state-schema.js';
import type { RoleState } from '../effective-state.js';
import { describeOutside } from './active-record.js';

/**
 * The factory's own writer removing `.dev-active` halts dev on that node, so the gate and the
 * factory's `check_active` agree: it beats a human's pin to run too (factoryctl never undoes the
 * other writer's file), but not a protected role. A re-creation while factoryctl halts the role
 * does not lift factoryctl's halt: the gate stays halted and says the scripts that test the file run.
 */
export function withOutside(state: RoleState, decision: NodeDecision | undefined): RoleState {
  const outside = decision?.node === state.node ? decision.outside?.find((o) => o.role === state.role) : undefined;
  if (!outside) return state;
  const reason = describeOutside(outside, state.node);
  const layer = {
    state: outside.present ? ('run' as const) : ('halt' as const),
    reason,
    by: 'another writer',
    since: outside.since,
  };
  const layers = { ...state.layers, outside: layer };
  if (outside.present || state.protected)
    return {
      ...state,
      layers,
      ...(state.state === 'halt' && outside.present ? { reason: `${state.reason}; ${reason}` } : {}),
    };
  if (state.state === 'halt') return { ...state, layers, reason: `${state.reason}; also ${reason}` };
  const { until: _until, ...rest } = state;
  return { ...rest, state: 'halt', source: 'node', reason, by: 'another writer', since: outside.since, layers };
}
