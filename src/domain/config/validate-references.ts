import { ASSIGNMENTS, FACTORY, HALTS, OVERRIDES, PRESET, REPO, SCHEDULE } from './file-registry.js';
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

/** A cap names a role factory.yaml defines; a cap for a role the node does not run limits nothing. */
const capsReferenceRoles: Rule = (set, report) => {
  const file = filesOf(set, FACTORY)[0];
  if (!file) return;
  for (const [node, config] of Object.entries(file.value.nodes))
    for (const role of Object.keys(config.caps ?? {})) {
      if (!file.value.roles[role])
        report.error(
          file,
          ['nodes', node, 'caps', role],
          `unknown role "${role}" (roles defines: ${listed(Object.keys(file.value.roles))})`,
        );
      else if (!config.roles.includes(role))
        report.warning(
          file,
          ['nodes', node, 'caps', role],
          `node "${node}" does not run role "${role}": this cap limits nothing`,
        );
    }
};

/**
 * A nodeSelector selects labels some node carries: an unknown key is a typo (its slots could never
 * be placed), a known key with a value no node has leaves the slots waiting until one does.
 */
function checkSelector(
  file: ParsedFile,
  base: (string | number)[],
  selector: Record<string, string> | undefined,
  factory: Factory,
  report: Reporter,
): void {
  if (!selector) return;
  const values = new Map<string, Set<string>>();
  for (const node of Object.values(factory.nodes))
    for (const [key, value] of Object.entries(node.labels ?? {}))
      values.set(key, (values.get(key) ?? new Set()).add(value));
  for (const [key, value] of Object.entries(selector)) {
    const known = values.get(key);
    if (!known)
      report.error(
        file,
        [...base, key],
        `unknown label "${key}": no node in factory.yaml has it (labels used: ${listed([...values.keys()].sort())})`,
      );
    else if (!known.has(value))
      report.warning(
        file,
        [...base, key],
        `no node has ${key}=${value} (nodes have: ${listed([...known].sort())}): these slots wait until one does`,
      );
  }
}

const selectorsReferenceLabels: Rule = (set, report) => {
  const factoryFile = filesOf(set, FACTORY)[0];
  if (!factoryFile) return;
  const factory = factoryFile.value;
  for (const [role, config] of Object.entries(factory.roles))
    checkSelector(factoryFile, ['roles', role, 'nodeSelector'], config.nodeSelector, factory, report);
  for (const file of [...filesOf(set, PRESET), ...filesOf(set, REPO)])
    for (const [role, agent] of Object.entries(file.value.agents ?? {}))
      checkSelector(file, ['agents', role, 'nodeSelector'], agent.nodeSelector, factory, report);
};

/** assignments.yaml places slots on nodes factory.yaml lists; a slot of an unknown role is never run. */
const assignmentsReferenceNodes: Rule = (set, report) => {
  const factory = factoryOf(set);
  if (!factory) return;
  const nodeProblem = (file: ParsedFile, path: (string | number)[], node: string) => {
    const message = `unknown node "${node}" (factory.yaml lists: ${listed(Object.keys(factory.nodes))})`;
    if (factory.nodes.default)
      report.warning(file, path, `${message}; it only matches a machine that uses the default entry`);
    else report.error(file, path, message);
  };
  for (const file of filesOf(set, ASSIGNMENTS))
    for (const [slot, entry] of Object.entries(file.value.slots)) {
      const role = slot.split('@')[0]!;
      if (!factory.roles[role])
        report.warning(
          file,
          ['slots', slot],
          `unknown role "${role}" (factory.yaml defines: ${listed(Object.keys(factory.roles))}): nothing runs this slot`,
        );
      if (entry.node !== null && !factory.nodes[entry.node]) nodeProblem(file, ['slots', slot, 'node'], entry.node);
      for (const node of Object.keys(entry.candidates))
        if (!factory.nodes[node]) nodeProblem(file, ['slots', slot, 'candidates', node], node);
    }
};

export const referenceRules: readonly Rule[] = [
  nodesReferenceRoles,
  capsReferenceRoles,
  selectorsReferenceLabels,
  assignmentsReferenceNodes,
  overridesAndHaltsReferenceConfig,
  scheduleReferencesRoles,
  reposResolve,
];
