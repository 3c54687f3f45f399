import type { ForgeClient } from '../ports/forge.js';
import type { ResolvedRepoConfig } from '../config/repo-schema.js';
import { applyPlan } from './apply.js';
import { describeFailure, type Failure } from './failure.js';
import { planReconcile, type Plan } from './plan.js';
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
    const refused = refuseDoubtfulDeletes(t.slug, plan, { labels, protections });
    if (refused) return { slug: t.slug, status: 'failed', plan, applied: 0, failure: refused };
  } catch (error) {
    return { slug: t.slug, status: 'failed', applied: 0, failure: describeFailure(error, t.tokenEnv) };
  }
  if (plan.actions.length === 0) return { slug: t.slug, status: 'in-sync', plan, applied: 0 };
  if (!apply) return { slug: t.slug, status: 'drift', plan, applied: 0 };
  const result = await applyPlan(client, t.slug, plan);
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
