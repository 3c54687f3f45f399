import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatProblem } from '../errors.js';
import type { FactoryConfig } from '../domain/config/factory-schema.js';
import { parseYamlWithSchema } from '../domain/config/parse-yaml.js';
import { ScheduleFile } from '../domain/config/schedule-schema.js';
import type { ResolvedRepo } from '../domain/repos/merge.js';
import { scheduleStateFromFile } from '../domain/supervisor/schedule-file.js';
import { tunedIntervals } from '../domain/assignments.js';
import { writeAtomic } from '../adapters/control-view.js';
import { clonePrivateDir } from '../adapters/git/pull.js';
import { runGit } from '../adapters/git/run-git.js';
import { loadRepos } from './load-repos.js';

/** What the node needs of the config; plain JSON, so its last good version can be kept on disk. */
export interface NodeConfigView {
  factory: FactoryConfig;
  repos: Pick<ResolvedRepo, 'slug' | 'config'>[];
  /** The supervisor's tuned intervals (factory-state/schedule.yaml), ms per role. */
  schedule: Record<string, number>;
}

export type LoadedNodeConfig =
  | { ok: true; config: NodeConfigView; key: string; problems: string[]; stale: boolean }
  | { ok: false; key: string; problems: string[] };

const cacheFile = (dir: string) => join(clonePrivateDir(dir), 'node-last-good.json');
const SCHEDULE = 'factory-state/schedule.yaml';

/**
 * factory.yaml, repos/ and schedule.yaml as they are in the clone. When factory.yaml or repos/
 * is invalid (a bad push: a human must fix it), the located problems are returned with the last
 * good config, which the node keeps applying; an invalid schedule.yaml keeps the last good intervals.
 */
export async function loadNodeConfig(dir: string, lastGood?: NodeConfigView): Promise<LoadedNodeConfig> {
  const key = await configKey(dir);
  const previous = lastGood ?? readCache(dir);
  let factory: FactoryConfig;
  let repos: NodeConfigView['repos'];
  try {
    const loaded = await loadRepos(dir);
    factory = loaded.factory;
    repos = loaded.repos.map((r) => ({ slug: r.slug, config: r.config }));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.problems.filter((p) => p.severity === 'error').map(formatProblem);
    return previous ? { ok: true, config: previous, key, problems, stale: true } : { ok: false, key, problems };
  }
  const problems: string[] = [];
  let schedule = previous?.schedule ?? {};
  const text = readOptional(join(dir, SCHEDULE));
  if (text !== undefined && text.trim() !== '') {
    const parsed = parseYamlWithSchema(SCHEDULE, text, ScheduleFile);
    if (parsed.ok) schedule = tunedIntervals(scheduleStateFromFile(parsed.value));
    else problems.push(...parsed.problems.filter((p) => p.severity === 'error').map(formatProblem));
  } else schedule = {};
  const config: NodeConfigView = { factory, repos, schedule };
  writeAtomic(cacheFile(dir), JSON.stringify(config));
  return { ok: true, config, key, problems, stale: false };
}

/**
 * Changes when anything the config is made of may have changed: the commit checked out, or a
 * file edited in place (a purely local control repo has no pull to tell us). Cheap: one git
 * call and a few stats, so the node can ask every pull period without parsing YAML.
 */
export async function configKey(dir: string): Promise<string> {
  const head = await runGit(dir, ['rev-parse', '--quiet', '--verify', 'HEAD']);
  const stamp = (path: string) => {
    try {
      const s = statSync(join(dir, path));
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  return [head.stdout.trim(), stamp('factory.yaml'), stamp(SCHEDULE), stamp('repos'), stamp('repos/presets')].join('|');
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readCache(dir: string): NodeConfigView | undefined {
  const text = readOptional(cacheFile(dir));
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as NodeConfigView;
  } catch {
    return undefined;
  }
}
