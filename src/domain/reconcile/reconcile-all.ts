import type { CiSettingsClient, ForgeClient } from '../ports/forge.js';
import { planCiSettings } from './ci-settings.js';
import type { ResolvedRepoConfig } from '../config/repo-schema.js';
import { applyPlan } from './apply.js';
import { describeFailure, type Failure } from './failure.js';
import { planReconcile, type Plan, type PlanAction } from './plan.js';
import { refuseDoubtfulDeletes } from './listing-doubt.js';

export type ReconcileClient = Pick<
  ForgeClient,
  | 'listLabels'
  | 'listBranchProtections'
  | 'createLabel'
  | 'editLabel'
  | 'deleteLabel'
  | 'createBranchProtection'
  | 'editBranchProtection'
  | 'deleteBranchProtection'
>;

export interface ReconcileTarget {
  slug: string;
  config: ResolvedRepoConfig;
  /** the variable the token came from, named in auth failures */
  tokenEnv: string;
  /** a client, or why there is none (e.g. the token variable is unset) */
  client: ReconcileClient | Failure;
  /** the Woodpecker repository whose settings the config sets (ci.settings), and its server's client */
  ci?: { repoId: number; tokenEnv: string; client: CiSettingsClient | Failure };
}

export interface RepoOutcome {
  slug: string;
  /** in-sync: nothing to do; drift: plan only; applied: every write made; failed: see failure */
  status: 'in-sync' | 'drift' | 'applied' | 'failed';
  plan?: Plan;
  /** writes made before a failure, or all of them */
  applied: number;
  failure?: Failure;
}

/**
 * Reconciles repositories with at most `concurrency` in flight. Level-based: each one re-reads
 * the forge (two list calls), plans, and applies if asked. A failure stays with its repository.
 */
export async function reconcileAll(
  targets: ReconcileTarget[],
  opts: { apply: boolean; concurrency: number; onDone?: (o: RepoOutcome, done: number, total: number) => void },
): Promise<RepoOutcome[]> {
  const outcomes: RepoOutcome[] = new Array(targets.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < targets.length; i = next++) {
      const outcome = await reconcileOne(targets[i]!, opts.apply);
      outcomes[i] = outcome;
      opts.onDone?.(outcome, ++done, targets.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, targets.length)) }, worker));
  return outcomes;
}

async function reconcileOne(t: ReconcileTarget, apply: boolean): Promise<RepoOutcome> {
  if (!('listLabels' in t.client)) return { slug: t.slug, status: 'failed', applied: 0, failure: t.client };
  const client = t.client;
  let plan: Plan;
  try {
    const [labels, protections] = await Promise.all([client.listLabels(t.slug), client.listBranchProtections(t.slug)]);
    plan = planReconcile(t.config, { labels, protections });
    const ci = await planCi(t);
    if (ci && 'failure' in ci) return { slug: t.slug, status: 'failed', plan, applied: 0, failure: ci.failure };
    if (ci) plan.actions.push(ci.action);
    const refused = refuseDoubtfulDeletes(t.slug, plan, { labels, protections });
    if (refused) return { slug: t.slug, status: 'failed', plan, applied: 0, failure: refused };
  } catch (error) {
    return { slug: t.slug, status: 'failed', applied: 0, failure: describeFailure(error, t.tokenEnv) };
  }
  if (plan.actions.length === 0) return { slug: t.slug, status: 'in-sync', plan, applied: 0 };
  if (!apply) return { slug: t.slug, status: 'drift', plan, applied: 0 };
  const ciClient = t.ci && 'getRepoSettings' in t.ci.client ? t.ci.client : undefined;
  const result = await applyPlan(client, t.slug, plan, ciClient);
  if (result.failed) {
    const failure = describeFailure(result.failed.error, t.tokenEnv);
    return {
      slug: t.slug,
      status: 'failed',
      plan,
      applied: result.applied.length,
      failure: { ...failure, message: `${result.failed.action.kind} ${result.failed.action.name}: ${failure.message}` },
    };
  }
  return { slug: t.slug, status: 'applied', plan, applied: result.applied.length };
}

/** The Woodpecker settings action, none when they match or the config sets none, or why they cannot be read. */
async function planCi(t: ReconcileTarget): Promise<{ action: PlanAction } | { failure: Failure } | undefined> {
  const settings = t.config.ci?.settings;
  if (!t.ci || !settings) return undefined;
  if (!('getRepoSettings' in t.ci.client)) return { failure: t.ci.client };
  try {
    const { patch, changes } = planCiSettings(settings, await t.ci.client.getRepoSettings(t.ci.repoId));
    if (changes.length === 0) return undefined;
    const name = `woodpecker repository ${t.ci.repoId}`;
    return { action: { kind: 'update-ci-settings', name, repoId: t.ci.repoId, settings: patch, changes } };
  } catch (error) {
    const failure = describeFailure(error, t.ci.tokenEnv);
    return { failure: { ...failure, message: `settings of woodpecker repository ${t.ci.repoId}: ${failure.message}` } };
  }
}
