import { ConfigError, formatProblem } from '../../errors.js';
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import type { ResolvedRepoConfig } from '../../domain/config/repo-schema.js';
import { lastGoodInFile, type Parsed } from './last-good.js';
import { loadRepos } from './load-repos.js';
import { privatePath } from './private-dir.js';

/** What the supervisor needs of the config, plain JSON so that its last good version can be kept on disk. */
export interface SupervisorConfigView {
  factory: FactoryConfig;
  repos: SupervisorRepo[];
}
/** A repository as the supervisor reads it: the forge clients take its server fields, placement its agents. */
export interface SupervisorRepo {
  slug: string;
  config: ResolvedRepoConfig;
}
export type LoadedSupervisorConfig =
  { ok: true; config: SupervisorConfigView; stale?: string[] } | { ok: false; problems: string[] };

/**
 * factory.yaml and repos/ as they are now, parsed every time (no key: a cycle is rare enough);
 * when they are invalid (a terminal error: a human must fix a push), the located problems are
 * returned with the last good config, which keeps running.
 */
export async function loadSupervisorConfig(
  dir: string,
  inMemory?: SupervisorConfigView,
): Promise<LoadedSupervisorConfig> {
  const answer = await lastGoodInFile(
    privatePath(dir, 'supervisorLastGood'),
    'config',
    undefined,
    parse(dir),
    inMemory,
  );
  if (!answer.ok) return { ok: false, problems: answer.problems };
  return answer.stale ? { ok: true, config: answer.value, stale: answer.problems } : { ok: true, config: answer.value };
}

function parse(dir: string) {
  return async (): Promise<Parsed<SupervisorConfigView, string>> => {
    try {
      const loaded = await loadRepos(dir);
      return {
        ok: true,
        value: { factory: loaded.factory, repos: loaded.repos.map((r) => ({ slug: r.slug, config: r.config })) },
      };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return { ok: false, problems: error.problems.filter((p) => p.severity === 'error').map(formatProblem) };
    }
  };
}
