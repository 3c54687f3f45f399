import { readFile } from 'node:fs/promises';
import { ConfigError, FactoryError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { expandPath, parseEnvFile, renderExports, repoEnvironment } from '../domain/repos/env-file.js';
import { configuredVars } from '../domain/repos/agent-env.js';
import { requireDir, type CommandContext } from './context.js';
import { loadRepos, pickRepos } from '../adapters/control-repo/load-repos.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl env OWNER/NAME [--json]

Prints the environment of the repository's agents as shell exports, for
  eval "$(factoryctl env owner/name)"
Exports FACTORY_REPO=owner/name, each field factory.yaml env.names maps to a variable (e.g.
repo: FORGE_REPO, forgeUrl: FORGE_URL, primaryBranch: PRIMARY_BRANCH, ciRepoId: WOODPECKER_REPO_ID,
name: PROJECT_NAME) and the repository's plain vars; then each name of env.vars, from this
process's environment, else from the repository's env file (env.file, outside the control repo);
every other NAME=value of that file is exported too. Secrets are never in the control repo.
  exit 0   all named variables found
  exit 78  a named variable has no value, or the env file is unreadable (nothing is printed)
  --json   { "NAME": "value", ... }`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(args, {}, 1);
  const slug = positionals[0];
  if (!slug) throw new UsageError('env needs a repository: factoryctl env OWNER/NAME');
  const loaded = await loadRepos(requireDir(ctx), [slug]);
  const [repo] = pickRepos(loaded.repos, [slug]);
  if (!repo) return EXIT.NOINPUT;

  const where = (field: string) => {
    const src = repo.provenance.get(field) ?? { file: repo.file };
    return { file: src.file, line: src.line ?? 1, col: src.col ?? 1, field, severity: 'error' as const };
  };
  let file: Map<string, string> | undefined;
  if (repo.config.env.file) {
    const path = expandPath(repo.config.env.file, ctx.env);
    if (!path)
      throw new ConfigError([
        { ...where('env.file'), message: `cannot expand ${repo.config.env.file}: its variable is not set` },
      ]);
    const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new FactoryError(`cannot read the env file of ${slug}, ${path}: ${e.code ?? e.message}`, EXIT.CONFIG);
    });
    const parsed = parseEnvFile(text);
    if (parsed.bad.length > 0)
      ctx.err(`factoryctl env: ${path}: ignored lines ${parsed.bad.join(', ')} (not NAME=value)`);
    file = parsed.values;
  }
  const configured = configuredVars(slug, repo.config, loaded.factory);
  for (const name of configured.unset) ctx.err(`factoryctl env: ${slug} has no value for ${name}: it is not exported`);
  const { vars, missing } = repoEnvironment(slug, repo.config.env.vars, file, ctx.env, configured.vars);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((name) => ({
        ...where(`env.vars[${name}]`),
        message: `${name} has no value: set it in the environment${repo.config.env.file ? ` or in ${repo.config.env.file}` : ''}`,
      })),
    );
  }
  ctx.out(ctx.json ? JSON.stringify(Object.fromEntries(vars)) : renderExports(vars));
  return EXIT.OK;
}
