import { readFileSync } from 'node:fs';
import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { expandPath, parseEnvFile, repoEnvironment } from '../../domain/repos/env-file.js';
import type { ResolvedRepo } from '../../domain/repos/merge.js';

/**
 * A repository's agent environment for the loop runner, as `factoryctl env` computes it for
 * cron: named variables from `env`, else from the repository's env file, plus the rest of that
 * file. Read at each start, so an edited env file needs no restart. Throws (and the agent is not
 * started) when a named variable has no value or the file is unreadable: never run half-configured.
 */
export function repoEnvVars(
  repo: Pick<ResolvedRepo, 'slug' | 'config'>,
  env: Record<string, string | undefined>,
): Record<string, string> {
  let file: Map<string, string> | undefined;
  if (repo.config.env.file) {
    const path = expandPath(repo.config.env.file, env);
    if (!path)
      throw new FactoryError(
        `${repo.slug}: cannot expand env file ${repo.config.env.file}: its variable is not set`,
        EXIT.CONFIG,
      );
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new FactoryError(
        `${repo.slug}: cannot read env file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        EXIT.CONFIG,
      );
    }
    file = parseEnvFile(text).values;
  }
  const { vars, missing } = repoEnvironment(repo.slug, repo.config.env.vars, file, env);
  if (missing.length > 0)
    throw new FactoryError(`${repo.slug}: no value for ${missing.join(', ')} (environment or env file)`, EXIT.CONFIG);
  return Object.fromEntries(vars);
}
