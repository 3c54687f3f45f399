import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatProblem } from '../../errors.js';
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import type { RepoRef } from '../forge/server-clients.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { clonePrivateDir } from '../git/pull.js';
import { loadRepos } from './load-repos.js';

/** What the supervisor needs of the config, plain JSON so that its last good version can be kept on disk. */
export interface SupervisorConfigView {
  factory: FactoryConfig;
  repos: RepoRef[];
}
export type LoadedSupervisorConfig =
  | { ok: true; config: SupervisorConfigView; stale?: string[] }
  | { ok: false; problems: string[] };

const cacheFile = (dir: string) => join(clonePrivateDir(dir), 'supervisor-last-good.json');

/**
 * factory.yaml and repos/ as they are now; when they are invalid (a terminal error: a human must
 * fix a push), the located problems are returned with the last good config, which keeps running.
 */
export async function loadSupervisorConfig(dir: string, inMemory?: SupervisorConfigView): Promise<LoadedSupervisorConfig> {
  try {
    const loaded = await loadRepos(dir);
    const config: SupervisorConfigView = { factory: loaded.factory, repos: loaded.repos.map((r) => ({ slug: r.slug, config: r.config })) };
    writeFileAtomic(cacheFile(dir), JSON.stringify(config));
    return { ok: true, config };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.problems.filter((p) => p.severity === 'error').map(formatProblem);
    const lastGood = inMemory ?? readCache(dir);
    return lastGood ? { ok: true, config: lastGood, stale: problems } : { ok: false, problems };
  }
}

function readCache(dir: string): SupervisorConfigView | undefined {
  try {
    return JSON.parse(readFileSync(cacheFile(dir), 'utf8')) as SupervisorConfigView;
  } catch {
    return undefined;
  }
}
