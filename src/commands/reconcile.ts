import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import type { HttpClientOptions } from '../adapters/http/client.js';
import { reconcileRepos } from '../runtime/reconcile/run.js';
import { requireDir, type CommandContext } from './context.js';
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
  const { values } = parseFlags(
    args,
    { repo: { type: 'string', multiple: true }, apply: { type: 'boolean' }, concurrency: { type: 'string' } },
    0,
  );
  const concurrency = Number(values.concurrency ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError('--concurrency takes a whole number from 1 to 64');
  const apply = values.apply === true;
  const outcomes = await reconcileRepos({
    dir: requireDir(ctx),
    env: ctx.env,
    wanted: values.repo ?? [],
    apply,
    concurrency,
    ...(deps.http ? { http: deps.http } : {}),
    ...(ctx.interactive ? { onDone: (o, done, total) => ctx.err(`[${done}/${total}] ${o.slug}: ${o.status}`) } : {}),
  });
  const summary = summarize(outcomes);

  if (ctx.json) {
    const rows = outcomes.map((o) => ({
      slug: o.slug,
      status: o.status,
      actions: o.plan?.actions ?? [],
      unmanaged: o.plan?.unmanaged,
      applied: o.applied,
      failure: o.failure,
    }));
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
