import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, FactoryError, type ConfigProblem } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { CONTROL_PATHS, missingFactoryProblem } from '../../domain/control-paths.js';
import { FactoryConfig } from '../../domain/config/factory-schema.js';
import { parseYamlWithSchema } from '../../domain/config/parse-yaml.js';
import type { ResolvedRepo } from '../../domain/repos/merge.js';
import { resolveAll } from '../../domain/repos/resolve-all.js';
import { readReposDir } from './repos-dir.js';

export interface LoadedRepos {
  factory: FactoryConfig;
  repos: ResolvedRepo[];
  /** warnings, and errors in files that did not block this command */
  problems: ConfigProblem[];
}

/**
 * factory.yaml and the repositories resolved. With `wanted` slugs, an error elsewhere in repos/
 * does not stop a command about a repository that resolved fine (an agent's `env` keeps working);
 * without, any error is a ConfigError (exit 78).
 */
export async function loadRepos(dir: string, wanted: string[] = []): Promise<LoadedRepos> {
  let text: string;
  try {
    text = await readFile(join(dir, CONTROL_PATHS.factory), 'utf8');
  } catch {
    throw new ConfigError([missingFactoryProblem()]);
  }
  const factory = parseYamlWithSchema(CONTROL_PATHS.factory, text, FactoryConfig);
  if (!factory.ok) throw new ConfigError(factory.problems);
  const dirFiles = await readReposDir(dir);
  const resolved = resolveAll(dirFiles, factory.value);
  const problems = [...dirFiles.problems, ...resolved.problems];
  const errors = problems.filter((p) => p.severity === 'error');
  const blocking =
    wanted.length === 0 ||
    wanted.some((slug) => !resolved.repos.some((r) => r.slug === slug) && dirFiles.repos.has(slug));
  if (errors.length > 0 && blocking) throw new ConfigError(errors);
  return { factory: factory.value, repos: resolved.repos, problems };
}

/** The repositories a command was asked about (all when none named); an unknown name is a usage error. */
export function pickRepos(all: ResolvedRepo[], wanted: string[]): ResolvedRepo[] {
  if (wanted.length === 0) return all;
  return wanted.map((slug) => {
    const found = all.find((r) => r.slug === slug);
    if (!found) {
      const known = all.map((r) => r.slug).join(', ') || 'none';
      throw new FactoryError(
        `no repository ${slug} in repos/ (expected repos/${slug}.yaml; known: ${known})`,
        EXIT.NOINPUT,
      );
    }
    return found;
  });
}
