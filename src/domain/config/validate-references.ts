import { FACTORY, HALTS, OVERRIDES, PRESET, REPO, SCHEDULE } from './file-registry.js';
import { filesOf, type ConfigSet, type ParsedFile, type Reporter, type Rule } from './config-set.js';
import type { FactoryConfig as Factory } from './factory-schema.js';
import { resolveRepo, type Layer } from '../repos/merge.js';
import { resolveAll } from '../repos/resolve-all.js';
import { isProtectedRole } from '../roles/protected.js';

type Scoped = { role: string; node?: string | undefined; repo?: string | undefined };

const listed = (names: Iterable<string>) => [...names].join(', ') || 'none';

function factoryOf(set: ConfigSet): Factory | undefined {
  return filesOf(set, FACTORY)[0]?.value;
}

/** Every role a node runs is defined; a defined role that no node runs is probably a mistake. */
const nodesReferenceRoles: Rule = (set, report) => {
  const file = filesOf(set, FACTORY)[0];
  if (!file) return;
  const { roles, nodes } = file.value;
  const used = new Set<string>();
  for (const [node, config] of Object.entries(nodes)) {
    config.roles.forEach((role, i) => {
      used.add(role);
      if (!roles[role])
        report.error(
          file,
          ['nodes', node, 'roles', i],
          `unknown role "${role}" (roles defines: ${listed(Object.keys(roles))})`,
        );
    });
  }
  for (const role of Object.keys(roles))
    if (!used.has(role)) report.warning(file, ['roles', role], `no node runs role "${role}": add it to a node's roles`);
};

/** An override or a supervisor halt names a known role and node, and never halts a protected role. */
function checkScope(
  file: ParsedFile,
  list: string,
  i: number,
  entry: Scoped,
  halts: boolean,
  factory: Factory,
  report: Reporter,
  repos: Set<string> | undefined,
): void {
  const role = factory.roles[entry.role];
  if (!role)
    report.error(
      file,
      [list, i, 'role'],
      `unknown role "${entry.role}" (factory.yaml defines: ${listed(Object.keys(factory.roles))})`,
    );
  else if (halts && isProtectedRole(entry.role, role))
    report.error(file, [list, i, 'role'], `role "${entry.role}" is protected and never halted: remove this entry`);
  if (entry.node !== undefined && !factory.nodes[entry.node]) {
    const message = `unknown node "${entry.node}" (factory.yaml lists: ${listed(Object.keys(factory.nodes))})`;
    // A machine without its own entry takes "default", so an unlisted name may be real.
    if (factory.nodes.default)
      report.warning(file, [list, i, 'node'], `${message}; it only matches a machine that uses the default entry`);
    else report.error(file, [list, i, 'node'], message);
  }
  if (entry.repo !== undefined && repos && !repos.has(entry.repo))
    report.warning(file, [list, i, 'repo'], `no repos/${entry.repo}.yaml: this repository is not managed (yet)`);
}

const overridesAndHaltsReferenceConfig: Rule = (set, report, { now }) => {
  const factory = factoryOf(set);
  if (!factory) return;
  const repoFiles = filesOf(set, REPO);
  const repos = set.complete && repoFiles.length > 0 ? new Set(repoFiles.map((f) => slugOf(f.path))) : undefined;
  for (const file of filesOf(set, OVERRIDES)) {
    file.value.overrides.forEach((o, i) => {
      checkScope(file, 'overrides', i, o, o.action === 'halt', factory, report, repos);
      if (o.until === undefined) return;
      if (Date.parse(o.until) <= Date.parse(o.since))
        report.error(file, ['overrides', i, 'until'], `until (${o.until}) is not after since (${o.since})`);
      else if (now !== undefined && Date.parse(o.until) <= now)
        report.warning(file, ['overrides', i, 'until'], `expired at ${o.until}: it no longer counts; remove it`);
    });
  }
  for (const file of filesOf(set, HALTS))
    file.value.halts.forEach((h, i) => checkScope(file, 'halts', i, h, true, factory, report, repos));
};

/** The supervisor tunes roles factory.yaml defines; an entry for another role is never read. */
const scheduleReferencesRoles: Rule = (set, report) => {
  const factory = factoryOf(set);
  if (!factory) return;
  for (const file of filesOf(set, SCHEDULE))
    for (const role of Object.keys(file.value.roles))
      if (!factory.roles[role])
        report.warning(
          file,
          ['roles', role],
          `unknown role "${role}" (factory.yaml defines: ${listed(Object.keys(factory.roles))}): nothing reads this entry`,
        );
};

/**
 * Repositories resolve (presets found, no cycle, complete once merged) and name a forge, CI server
 * and roles that factory.yaml defines: the same resolution reconcile uses, so validate agrees with it.
 */
const reposResolve: Rule = (set, report) => {
  if (!set.complete) return;
  const layer = (f: ParsedFile<unknown>): Layer => ({
    file: f.path,
    value: f.value as Record<string, unknown>,
    locate: report.locate(f),
  });
  const presets = new Map(
    filesOf(set, PRESET).map((f) => [f.path.replace(/^repos\/presets\//, '').replace(/\.yaml$/, ''), layer(f)]),
  );
  const repos = new Map(filesOf(set, REPO).map((f) => [slugOf(f.path), layer(f)]));
  const factory = factoryOf(set);
  if (factory) {
    resolveAll({ repos, presets }, factory).problems.forEach(report.problem);
    return;
  }
  for (const [slug, repo] of repos) {
    const r = resolveRepo(slug, repo, presets);
    (r.ok ? r.warnings : r.problems).forEach(report.problem);
  }
};

function slugOf(path: string): string {
  return path.replace(/^repos\//, '').replace(/\.yaml$/, '');
}

export const referenceRules: readonly Rule[] = [
  nodesReferenceRoles,
  overridesAndHaltsReferenceConfig,
  scheduleReferencesRoles,
  reposResolve,
];
