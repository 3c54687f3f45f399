// One reconcile pass: read repos/ (terminal on a bad config), build one client per forge, plan and
// apply each repository on its own (the domain's reconcileAll), and return what happened as data.
import type { ResolvedRepo } from '../../domain/repos/merge.js';
import { describeFailure } from '../../domain/reconcile/failure.js';
import { reconcileAll, type RepoOutcome, type ReconcileTarget } from '../../domain/reconcile/reconcile-all.js';
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import { createForgejoClient } from '../../adapters/forge/forgejo.js';
import { createWoodpeckerClient } from '../../adapters/ci/woodpecker.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../adapters/http/client.js';
import { loadRepos, pickRepos } from '../../adapters/control-repo/load-repos.js';

export interface ReconcileRequest {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** only these repositories (all when empty) */
  wanted: string[];
  apply: boolean;
  concurrency: number;
  /** seams for tests and bench: HTTP timing, fetch */
  http?: Partial<HttpClientOptions>;
  onDone?: (outcome: RepoOutcome, done: number, total: number) => void;
}

export async function reconcileRepos(req: ReconcileRequest): Promise<RepoOutcome[]> {
  const loaded = await loadRepos(req.dir, req.wanted);
  const repos = pickRepos(loaded.repos, req.wanted);
  const targets = makeTargets(repos, loaded.factory, req);
  return reconcileAll(targets, { apply: req.apply, concurrency: req.concurrency, onDone: req.onDone });
}

/** One HTTP client per forge, so its concurrency, retries and call budget are shared by its repositories. */
function makeTargets(repos: ResolvedRepo[], factory: FactoryConfig, req: ReconcileRequest): ReconcileTarget[] {
  const http = new Map<string, HttpClient>();
  return repos.map((repo): ReconcileTarget => {
    const forge = factory.forges[repo.config.forge]!; // checked by resolveAll
    const tokenEnv = repo.config.tokenEnv ?? forge.tokenEnv;
    if (!http.has(repo.config.forge)) {
      // two list calls per repository in flight; a one-shot run may spend more than the daemon's budget
      http.set(
        repo.config.forge,
        createHttpClient({ concurrency: req.concurrency * 2, budget: { limit: 20_000 }, ...req.http }),
      );
    }
    try {
      const client = createForgejoClient({
        baseUrl: forge.url,
        tokenEnv,
        http: http.get(repo.config.forge)!,
        env: req.env,
      });
      return { slug: repo.slug, config: repo.config, tokenEnv, client, ...ciTarget(repo, factory, req, http) };
    } catch (error) {
      return {
        slug: repo.slug,
        config: repo.config,
        tokenEnv,
        client: { ...describeFailure(error, tokenEnv), kind: 'config' },
      };
    }
  });
}

/** The Woodpecker repository whose settings the config sets, with a client of its server (one HTTP client per server). */
function ciTarget(
  repo: ResolvedRepo,
  factory: FactoryConfig,
  req: ReconcileRequest,
  http: Map<string, HttpClient>,
): Pick<ReconcileTarget, 'ci'> {
  const ci = repo.config.ci;
  if (!ci?.settings) return {};
  const server = factory.ci[ci.server]!; // checked by resolveAll
  const tokenEnv = ci.tokenEnv ?? server.tokenEnv;
  const key = `ci:${ci.server}`;
  if (!http.has(key))
    http.set(key, createHttpClient({ concurrency: req.concurrency, budget: { limit: 20_000 }, ...req.http }));
  try {
    const client = createWoodpeckerClient({ baseUrl: server.url, tokenEnv, http: http.get(key)!, env: req.env });
    return { ci: { repoId: ci.repoId, tokenEnv, client } };
  } catch (error) {
    return { ci: { repoId: ci.repoId, tokenEnv, client: { ...describeFailure(error, tokenEnv), kind: 'config' } } };
  }
}
