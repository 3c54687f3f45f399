import type { ConfigProblem } from '../../errors.js';
import type { FactoryConfig } from '../config/factory-schema.js';
import { resolveRepo, type Layer, type ResolvedRepo } from './merge.js';
import { sourceOf } from './provenance.js';

export interface ResolvedRepos {
  repos: ResolvedRepo[];
  /** errors and warnings; a repository with an error is left out of `repos` */
  problems: ConfigProblem[];
}

/** Resolves every repository and checks the names it uses against factory.yaml. */
export function resolveAll(
  files: { repos: ReadonlyMap<string, Layer>; presets: ReadonlyMap<string, Layer> },
  factory: Pick<FactoryConfig, 'forges' | 'ci' | 'roles'>,
): ResolvedRepos {
  const out: ResolvedRepos = { repos: [], problems: [] };
  for (const [slug, layer] of [...files.repos].sort(([a], [b]) => a.localeCompare(b))) {
    const r = resolveRepo(slug, layer, files.presets);
    if (!r.ok) {
      out.problems.push(...r.problems);
      continue;
    }
    const { ok: _ok, ...resolved } = r;
    const refs = checkRefs(resolved, factory);
    out.problems.push(...r.warnings, ...refs);
    if (!refs.some((p) => p.severity === 'error')) out.repos.push(resolved);
  }
  return out;
}

/** Names a repository uses must exist in factory.yaml: its forge, its CI server, its agents' roles. */
export function checkRefs(
  repo: ResolvedRepo,
  factory: Pick<FactoryConfig, 'forges' | 'ci' | 'roles'>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (path: string, message: string) => {
    const src = sourceOf(repo.provenance, path) ?? { file: repo.file };
    problems.push({
      file: src.file,
      line: src.line ?? 1,
      col: src.col ?? 1,
      field: path,
      message: `${message} (resolving ${repo.slug})`,
      severity: 'error',
    });
  };
  const known = (names: object) => Object.keys(names).join(', ') || 'none defined';
  if (!(repo.config.forge in factory.forges))
    at('forge', `unknown forge "${repo.config.forge}": factory.yaml forges has ${known(factory.forges)}`);
  if (repo.config.ci && !(repo.config.ci.server in factory.ci))
    at('ci.server', `unknown CI server "${repo.config.ci.server}": factory.yaml ci has ${known(factory.ci)}`);
  for (const role of Object.keys(repo.config.agents)) {
    if (!(role in factory.roles))
      at(`agents.${role}`, `unknown role "${role}": factory.yaml roles has ${known(factory.roles)}`);
  }
  return problems;
}
