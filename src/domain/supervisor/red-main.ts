// Red main pauses dev for that repository: every new PR on top of a broken primary branch is wasted
// CI. A repository-scoped supervisor halt in halts.yaml; green resumes it; missing data never does.
import type { SupervisorHalt } from '../config/state-schema.js';
import type { ResolvedRepoConfig } from '../config/repo-schema.js';
import { formatDuration, parseDuration } from '../duration.js';
import type { PipelineSummary } from '../ports/forge.js';
import { toIso } from './format.js';

/** Marks the halts in halts.yaml this rule owns, so other writers' halts are left alone. */
export const RED_MAIN_BY = 'supervisor/red-main';
const PAUSED_ROLE = 'dev';
const FAILED = new Set(['failure', 'error']);
const FINISHED = new Set(['success', 'failure', 'error', 'killed', 'declined', 'skipped']);

type Settings = ResolvedRepoConfig['redMain'];

/** One enabled repository's primary branch as CI showed it this cycle: its recent pipelines, or why not. */
export type MainObservation = { slug: string; settings: Settings } & (
  { pipelines: PipelineSummary[]; link: (n: number) => string } | { error: string }
);

export interface RedMainRepo {
  slug: string;
  /** redMain absent: the defaults (a config resolved before the setting existed). */
  config: Pick<ResolvedRepoConfig, 'ci'> & { redMain?: ResolvedRepoConfig['redMain'] };
}

const DEFAULTS: Settings = { branch: 'main', grace: '15m', inARow: 2 };
export const redMainSettings = (r: RedMainRepo) => r.config.redMain ?? DEFAULTS;

/** Whether a repository's dev pauses on a red main: as configured, else on exactly when it has CI. */
export function redMainEnabled(r: RedMainRepo): boolean {
  return redMainSettings(r).enabled ?? r.config.ci !== undefined;
}

export interface RedMainDecision {
  halts: SupervisorHalt[];
  /** What changed, for STATUS.md's decisions and the commit message. */
  decisions: string[];
  /** Repositories whose state is unknown this cycle: kept as they were. */
  notes: string[];
}

/**
 * Per enabled repository (those observed): its latest finished pipeline on the primary branch
 * failed, and it has been red for `grace` or `inARow` pipelines in a row: dev halted there; green:
 * resumed. No data, or nothing finished yet: the halt (or its absence) stays. A repository no
 * longer observed (switched off, or gone from repos/) has its halt lifted.
 */
export function decideRedMain(
  observed: readonly MainObservation[],
  halts: readonly SupervisorHalt[],
  now: number,
): RedMainDecision {
  const out = halts.filter((h) => h.by !== RED_MAIN_BY || observed.some((o) => o.slug === h.repo));
  const decisions: string[] = [];
  const notes: string[] = [];
  for (const h of halts) if (!out.includes(h)) decisions.push(`dev resumed for ${h.repo}: red-main pausing is off`);
  for (const seen of observed) {
    const current = out.findIndex((h) => h.by === RED_MAIN_BY && h.repo === seen.slug);
    const { grace, branch, inARow: limit } = seen.settings;
    if ('error' in seen) {
      notes.push(`${seen.slug}: ${branch} unknown (${seen.error}): dev left as it is`);
      continue;
    }
    const finished = seen.pipelines.filter((p) => FINISHED.has(p.status)).sort((a, b) => b.number - a.number);
    const latest = finished[0];
    if (!latest) continue;
    if (!FAILED.has(latest.status)) {
      if (latest.status === 'success' && current >= 0) {
        out.splice(current, 1);
        decisions.push(`dev resumed for ${seen.slug}: ${branch} green again (pipeline #${latest.number})`);
      }
      continue;
    }
    const firstNotFailed = finished.findIndex((p) => !FAILED.has(p.status));
    const inARow = firstNotFailed < 0 ? finished.length : firstNotFailed;
    const firstRed = finished[inARow - 1]!;
    const redForMs = Math.max(0, now - 1000 * (firstRed.finishedAt ?? firstRed.createdAt));
    if (current >= 0 || (inARow < limit && redForMs < parseDuration(grace))) continue;
    const reason = `${branch} is red: pipeline #${latest.number} ${latest.status} (${inARow} failed in a row, red for ${formatDuration(redForMs)}): ${seen.link(latest.number)}`;
    out.push({ role: PAUSED_ROLE, repo: seen.slug, reason, by: RED_MAIN_BY, since: toIso(now) });
    decisions.push(`dev halted for ${seen.slug}: ${reason}`);
  }
  return { halts: out, decisions, notes };
}
