import { slotId } from './slot-id.js';
import { parseDuration } from './duration.js';
import type { FactoryConfig } from './config/factory-schema.js';
import type { ResolvedRepo } from './repos/merge.js';
import type { ScheduleState } from './supervisor/schedule-tune.js';

/** One agent command this node runs: a role, for one repository or for the factory as a whole. */
export interface Assignment {
  /** "dev" or "dev@owner/name": stable, used in halt file names, crontab comments and logs. */
  id: string;
  role: string;
  repo?: string;
  command: string;
  intervalMs: number;
}

/** Used when neither the supervisor nor factory.yaml gives a role an interval: the old factory's `*\/10`. */
export const FALLBACK_INTERVAL_MS = 10 * 60_000;

/**
 * What the node runs. Its roles come from its entry in factory.yaml (else "default").
 * A role that some repository lists under `agents` is per repository: one assignment per
 * repository whose agent is enabled, with the repository's command or else the role's.
 * A role no repository lists runs once for the whole factory, if it has a command.
 * Interval: the supervisor's tuned one (schedule.yaml), else the role's schedule.initial, else
 * its min, else FALLBACK_INTERVAL_MS; a repository's own schedule bounds then clamp it.
 */
export function assignmentsFor(
  node: string,
  config: Pick<FactoryConfig, 'roles' | 'nodes'>,
  repos: ResolvedRepo[],
  schedule: Record<string, number> = {},
): Assignment[] {
  const entry = config.nodes[node] ?? config.nodes.default;
  if (!entry) return [];
  const out: Assignment[] = [];
  const sorted = [...repos].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  for (const role of entry.roles) {
    const rc = config.roles[role];
    if (!rc) continue;
    const base =
      schedule[role] ?? durationOr(rc.schedule?.initial) ?? durationOr(rc.schedule?.min) ?? FALLBACK_INTERVAL_MS;
    const perRepo = sorted.filter((r) => r.config.agents[role] !== undefined);
    if (perRepo.length === 0) {
      if (rc.command) out.push({ id: role, role, command: rc.command, intervalMs: base });
      continue;
    }
    for (const repo of perRepo) {
      const agent = repo.config.agents[role]!;
      const command = agent.command ?? rc.command;
      if (!agent.enabled || !command) continue;
      out.push({
        id: slotId({ role, repo: repo.slug }),
        role,
        repo: repo.slug,
        command,
        intervalMs: clamp(base, agent.schedule),
      });
    }
  }
  return out;
}

/** The supervisor's tuned intervals, as assignmentsFor takes them. */
export function tunedIntervals(state: ScheduleState): Record<string, number> {
  return Object.fromEntries(Object.entries(state.roles).map(([role, r]) => [role, r.intervalMs]));
}

function durationOr(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseDuration(text);
}

function clamp(ms: number, bounds: { min?: string; max?: string } | undefined): number {
  const min = durationOr(bounds?.min);
  const max = durationOr(bounds?.max);
  let v = ms;
  if (max !== undefined) v = Math.min(v, max);
  if (min !== undefined) v = Math.max(v, min);
  return v;
}
