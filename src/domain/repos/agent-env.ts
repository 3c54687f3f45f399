import type { AgentEnvField } from '../config/env-names-schema.js';
import type { FactoryConfig } from '../config/factory-schema.js';
import type { ResolvedRepoConfig } from '../config/repo-schema.js';

/** Each of factoryctl's fields for one repository; a field without a value (no CI) is absent. */
export function agentFields(
  slug: string,
  repo: Pick<ResolvedRepoConfig, 'forge' | 'primaryBranch' | 'ci'>,
  factory: Pick<FactoryConfig, 'name' | 'forges' | 'ci'>,
): Partial<Record<AgentEnvField, string>> {
  const [owner = '', name = ''] = slug.split('/');
  const out: Partial<Record<AgentEnvField, string>> = {
    repo: slug,
    owner,
    name,
    forge: repo.forge,
    primaryBranch: repo.primaryBranch,
    factory: factory.name,
  };
  const forgeUrl = factory.forges[repo.forge]?.url;
  if (forgeUrl) out.forgeUrl = forgeUrl.replace(/\/+$/, '');
  if (repo.ci) {
    out.ciServer = repo.ci.server;
    out.ciRepoId = String(repo.ci.repoId);
    const ciUrl = factory.ci[repo.ci.server]?.url;
    if (ciUrl) out.ciUrl = ciUrl.replace(/\/+$/, '');
  }
  return out;
}

/**
 * The variables `env` exports before the repository's named and file variables: FACTORY_REPO,
 * each mapped field under the factory's chosen name, then the repository's plain `vars`.
 * A mapped field with no value is reported, so an agent under `set -u` is not surprised later.
 */
export function configuredVars(
  slug: string,
  repo: Pick<ResolvedRepoConfig, 'forge' | 'primaryBranch' | 'ci' | 'vars'>,
  factory: Pick<FactoryConfig, 'name' | 'forges' | 'ci' | 'env'>,
): { vars: [string, string][]; unset: string[] } {
  const fields = agentFields(slug, repo, factory);
  const vars = new Map<string, string>([['FACTORY_REPO', slug]]);
  const unset: string[] = [];
  for (const [field, variable] of Object.entries(factory.env.names) as [AgentEnvField, string | undefined][]) {
    if (variable === undefined) continue;
    const value = fields[field];
    if (value === undefined) unset.push(`${variable} (${field})`);
    else vars.set(variable, value);
  }
  for (const [name, value] of Object.entries(repo.vars)) vars.set(name, String(value));
  return { vars: [...vars], unset };
}
