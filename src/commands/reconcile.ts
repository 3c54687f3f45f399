import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import type { ResolvedRepo } from '../domain/repos/merge.js';
import { describeFailure } from '../domain/reconcile/failure.js';
import { reconcileAll, type ReconcileTarget } from '../domain/reconcile/reconcile-all.js';
import type { FactoryConfig } from '../domain/config/factory-schema.js';
import { createForgejoClient } from '../adapters/forge/forgejo.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../adapters/http/client.js';
import { requireDir, type CommandContext } from './context.js';
import { loadRepos, pickRepos } from '../adapters/control-repo/load-repos.js';
import { parseFlags } from './parse-flags.js';
import { renderOutcome, summarize } from './reconcile-render.js';

export const help = `usage: factoryctl reconcile [--repo OWNER/NAME]... [--apply] [--concurrency N] [--json]

Makes each forge match repos/: labels and branch protection rules are created and updated;
labels and rules the config does not list are left alone unless its prune section asks.
Without --apply, prints the plan only. Each repository is read (2 list calls), planned and
applied on its own: one repository's failure (bad token, 404, rate limit) is reported and the
others still reconcile.
  exit 0   in sync (plan), or every change applied (--apply)
  exit 2   plan only: drift found (like terraform plan -detailed-exitcode)
  exit 69  at least one repository failed (EX_UNAVAILABLE); the others were reconciled
  exit 78  the config is invalid (EX_CONFIG); nothing was read or written

  --repo R          only this repository (repeatable)
  --apply           make the changes
  --concurrency N   repositories in flight at once (default 8)
  --json            { ok, apply, summary, repos: [{ slug, status, actions, unmanaged, applied, failure }] }`;

/** Seams for tests and bench: HTTP options (timing, fetch) per run. */
export interface ReconcileDeps {
  http?: Partial<HttpClientOptions>;
}

export async function run(args: string[], ctx: CommandContext, deps: ReconcileDeps = {}): Promise<number> {
  const { values } = parseFlags(args, { repo: { type: 'string', multiple: true }, apply: { type: 'boolean' }, concurrency: { type: 'string' } }, 0);
  const concurrency = Number(values.concurrency ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency takes a whole number from 1 to 64');
  const wanted = values.repo ?? [];
  const loaded = await loadRepos(requireDir(ctx), wanted);
  const repos = pickRepos(loaded.repos, wanted);
  const apply = values.apply === true;

  const targets = makeTargets(repos, loaded.factory, ctx.env, concurrency, deps);
  const outcomes = await reconcileAll(targets, {
    apply,
    concurrency,
    onDone: ctx.interactive ? (o, done, total) => ctx.err(`[${done}/${total}] ${o.slug}: ${o.status}`) : undefined,
  });
  const summary = summarize(outcomes);

  if (ctx.json) {
    const rows = outcomes.map((o) => ({ slug: o.slug, status: o.status, actions: o.plan?.actions ?? [], unmanaged: o.plan?.unmanaged, applied: o.applied, failure: o.failure }));
    ctx.out(JSON.stringify({ ok: summary.failed === 0, apply, summary, repos: rows }));
  } else {
    for (const o of outcomes) ctx.out(renderOutcome(o, apply));
    ctx.out(
      `${summary.repositories} repositories: ${summary.inSync} in sync, ${apply ? `${summary.applied} updated (${summary.writes} writes)` : `${summary.drift} drifted (${summary.changes} changes)`}, ${summary.failed} failed`,
    );
  }
  if (summary.failed > 0) return EXIT.UNAVAILABLE;
  return !apply && summary.drift > 0 ? EXIT.DRIFT : EXIT.OK;
}

/** One HTTP client per forge, so its concurrency, retries and call budget are shared by its repositories. */
function makeTargets(repos: ResolvedRepo[], factory: FactoryConfig, env: NodeJS.ProcessEnv, concurrency: number, deps: ReconcileDeps): ReconcileTarget[] {
  const http = new Map<string, HttpClient>();
  return repos.map((repo): ReconcileTarget => {
    const forge = factory.forges[repo.config.forge]!; // checked by resolveAll
    const tokenEnv = repo.config.tokenEnv ?? forge.tokenEnv;
    if (!http.has(repo.config.forge)) {
      // two list calls per repository in flight; a one-shot run may spend more than the daemon's budget
      http.set(repo.config.forge, createHttpClient({ concurrency: concurrency * 2, budget: { limit: 20_000 }, ...deps.http }));
    }
    try {
      const client = createForgejoClient({ baseUrl: forge.url, tokenEnv, http: http.get(repo.config.forge)!, env });
      return { slug: repo.slug, config: repo.config, tokenEnv, client };
    } catch (error) {
      return { slug: repo.slug, config: repo.config, tokenEnv, client: { ...describeFailure(error, tokenEnv), kind: 'config' } };
    }
  });
}
