import { formatDuration } from './duration.js';
import type { RoleState } from './effective-state.js';

/** One line a person reads in an agent's log: what, why, who, since when. */
export function describeState(s: RoleState, now: number): string {
  const where = `${s.role}${s.repo ? ` (${s.repo})` : ''} on ${s.node}`;
  if (s.state === 'run') return `${where}: run (${s.reason}${s.source === 'override' ? `, pinned by ${s.by}` : ''})`;
  const since = s.since ? ` since ${s.since} (${formatDuration(now - Date.parse(s.since))} ago)` : '';
  const until = s.until ? `, until ${s.until}` : '';
  return `${where}: HALTED by ${s.by}${since}${until}: ${s.reason}`;
}
