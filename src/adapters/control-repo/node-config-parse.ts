// The heavy half of the node's config: YAML and zod. Runs in a short-lived worker process
// (src/config-worker-main.ts), so the daemon never keeps either resident; returns plain data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatProblem } from '../../errors.js';
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import { CONTROL_PATHS } from '../../domain/control-paths.js';
import { parseScheduleYaml } from '../../domain/supervisor/schedule-file.js';
import { tunedIntervals } from '../../domain/assignments.js';
import { loadRepos } from './load-repos.js';
import type { NodeConfigView } from './node-config-view.js';

export type ParsedNodeConfig =
  { ok: true; config: NodeConfigView; problems: string[]; stale: boolean } | { ok: false; problems: string[] };

/**
 * factory.yaml, repos/ and schedule.yaml as they are in the clone. When factory.yaml or repos/
 * is invalid (a bad push: a human must fix it), the located problems are returned with the last
 * good config, which the node keeps applying; an invalid schedule.yaml keeps the last good intervals.
 */
export async function parseNodeConfig(dir: string, previous: NodeConfigView | undefined): Promise<ParsedNodeConfig> {
  let factory: FactoryConfig;
  let repos: NodeConfigView['repos'];
  try {
    const loaded = await loadRepos(dir);
    factory = loaded.factory;
    repos = loaded.repos.map((r) => ({ slug: r.slug, config: r.config }));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.problems.filter((p) => p.severity === 'error').map(formatProblem);
    return previous ? { ok: true, config: previous, problems, stale: true } : { ok: false, problems };
  }
  const problems: string[] = [];
  let schedule = previous?.schedule ?? {};
  const parsed = parseScheduleYaml(readOptional(join(dir, CONTROL_PATHS.schedule)));
  if (parsed.ok) schedule = tunedIntervals(parsed.value);
  else problems.push(...parsed.problems.map(formatProblem));
  return { ok: true, config: { factory, repos, schedule }, problems, stale: false };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
