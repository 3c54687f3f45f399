// Reads each repository's primary branch from CI for the red-main rule: its recent pipelines, or why not.
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import { redMainEnabled, redMainSettings, type MainObservation } from '../../domain/supervisor/red-main.js';
import type { RepoRef, ServerClients } from '../forge/server-clients.js';

/** Enough to see a streak of failures past the usual `inARow`. */
const PIPELINES_PER_BRANCH = 10;

export async function observeMainBranches(
  clients: ServerClients,
  factory: Pick<FactoryConfig, 'ci'>,
  repos: readonly RepoRef[],
): Promise<{ mains: MainObservation[]; calls: number }> {
  const enabled = repos.filter(redMainEnabled);
  const mains = await Promise.all(
    enabled.map(async (repo): Promise<MainObservation> => {
      const settings = redMainSettings(repo);
      const { branch } = settings;
      const ci = clients.ciFor(repo);
      if (!('client' in ci) || ci.repoId === undefined)
        return { slug: repo.slug, settings, error: 'skipped' in ci ? ci.skipped : 'no CI' };
      const url = factory.ci[ci.server]!.url.replace(/\/+$/, '');
      try {
        const pipelines = await ci.client.listPipelines(ci.repoId, { perPage: PIPELINES_PER_BRANCH, branch });
        // Pull requests into the branch carry it as their branch too: only its own pipelines (pushes,
        // crons), whose ref is the branch, say whether it is red.
        const onBranch = pipelines.filter((p) => p.ref === undefined || p.ref === `refs/heads/${branch}`);
        return {
          slug: repo.slug,
          settings,
          pipelines: onBranch,
          link: (n) => `${url}/repos/${ci.repoId}/pipeline/${n}`,
        };
      } catch (error) {
        return { slug: repo.slug, settings, error: (error as Error).message };
      }
    }),
  );
  return { mains, calls: enabled.length };
}
