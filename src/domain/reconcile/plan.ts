import type { BranchProtection, ForgeLabel } from '../ports/forge.js';
import type { ResolvedProtection, ResolvedRepoConfig } from '../config/repo-schema.js';
import type { CiRepoSettings } from '../config/ci-settings-schema.js';

export type LabelSpec = Omit<ForgeLabel, 'id'>;
export interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

export type PlanAction =
  | { kind: 'create-label'; name: string; label: LabelSpec }
  | { kind: 'update-label'; name: string; id: number; label: LabelSpec; changes: Change[] }
  | { kind: 'delete-label'; name: string; id: number }
  | { kind: 'create-protection'; name: string; protection: BranchProtection }
  | { kind: 'update-protection'; name: string; protection: BranchProtection; changes: Change[] }
  | { kind: 'delete-protection'; name: string }
  /** name: "woodpecker repository <id>"; settings: only the fields that drifted */
  | { kind: 'update-ci-settings'; name: string; repoId: number; settings: CiRepoSettings; changes: Change[] };

export interface Plan {
  actions: PlanAction[];
  /** on the forge, not in the config, and left alone because prune is off */
  unmanaged: { labels: string[]; protections: string[] };
}

export interface Observed {
  labels: ForgeLabel[];
  protections: BranchProtection[];
}

/** Forgejo stores colours as "#rrggbb" or "rrggbb" in either case: compare the six digits. */
export const normalizeColor = (c: string) => c.replace(/^#/, '').toLowerCase();

export function toBranchProtection(p: ResolvedProtection): BranchProtection {
  return {
    branchName: p.branch,
    requiredApprovals: p.requiredApprovals,
    statusCheckContexts: [...p.requiredStatusChecks],
    enableStatusCheck: p.requiredStatusChecks.length > 0,
    pushWhitelistUsernames: [...(p.pushAllowlist ?? [])],
    enablePushWhitelist: p.pushAllowlist !== undefined,
    mergeWhitelistUsernames: [...(p.mergeAllowlist ?? [])],
    enableMergeWhitelist: p.mergeAllowlist !== undefined,
    requireSignedCommits: p.requireSignedCommits ?? false,
    protectedFilePatterns: [...(p.protectedFilePatterns ?? [])],
    unprotectedFilePatterns: [...(p.unprotectedFilePatterns ?? [])],
  };
}

/** The writes that make the forge match the config: pure, and empty when nothing drifted. */
export function planReconcile(desired: ResolvedRepoConfig, observed: Observed): Plan {
  const actions: PlanAction[] = [];
  const unmanaged: Plan['unmanaged'] = { labels: [], protections: [] };

  const matched = new Set<number>();
  for (const want of desired.labels) {
    const spec: LabelSpec = {
      name: want.name,
      color: `#${normalizeColor(want.color)}`,
      description: want.description,
      exclusive: want.exclusive,
    };
    // An exact name first; else the same name in another case, which an update renames.
    const have =
      observed.labels.find((l) => l.name === want.name) ??
      observed.labels.find((l) => !matched.has(l.id) && l.name.toLowerCase() === want.name.toLowerCase());
    if (!have) {
      actions.push({ kind: 'create-label', name: want.name, label: spec });
      continue;
    }
    matched.add(have.id);
    const changes = diff([
      ['name', have.name, spec.name],
      ['color', normalizeColor(have.color), normalizeColor(spec.color)],
      ['description', have.description ?? '', spec.description],
      ['exclusive', have.exclusive ?? false, spec.exclusive],
    ]);
    if (changes.length > 0) actions.push({ kind: 'update-label', name: want.name, id: have.id, label: spec, changes });
  }
  for (const l of observed.labels.filter((o) => !matched.has(o.id))) {
    if (desired.prune.labels) actions.push({ kind: 'delete-label', name: l.name, id: l.id });
    else unmanaged.labels.push(l.name);
  }

  const wanted = new Set(desired.branchProtection.map((p) => p.branch));
  for (const rule of desired.branchProtection) {
    const want = toBranchProtection(rule);
    const have = observed.protections.find((p) => p.branchName === rule.branch);
    if (!have) {
      actions.push({ kind: 'create-protection', name: rule.branch, protection: want });
      continue;
    }
    const changes = protectionChanges(have, want);
    if (changes.length > 0) actions.push({ kind: 'update-protection', name: rule.branch, protection: want, changes });
  }
  for (const p of observed.protections.filter((o) => !wanted.has(o.branchName))) {
    if (desired.prune.branchProtection) actions.push({ kind: 'delete-protection', name: p.branchName });
    else unmanaged.protections.push(p.branchName);
  }
  return { actions, unmanaged };
}

function protectionChanges(have: BranchProtection, want: BranchProtection): Change[] {
  const set = (xs: string[]) => [...new Set(xs)].sort().join(',');
  return diff([
    ['requiredApprovals', have.requiredApprovals, want.requiredApprovals],
    ['enableStatusCheck', have.enableStatusCheck, want.enableStatusCheck],
    ['statusCheckContexts', set(have.statusCheckContexts), set(want.statusCheckContexts)],
    ['enablePushWhitelist', have.enablePushWhitelist, want.enablePushWhitelist],
    // A disabled allow-list's names do nothing: comparing them would report drift that is not there.
    [
      'pushWhitelistUsernames',
      want.enablePushWhitelist ? set(have.pushWhitelistUsernames) : '',
      want.enablePushWhitelist ? set(want.pushWhitelistUsernames) : '',
    ],
    ['enableMergeWhitelist', have.enableMergeWhitelist, want.enableMergeWhitelist],
    [
      'mergeWhitelistUsernames',
      want.enableMergeWhitelist ? set(have.mergeWhitelistUsernames) : '',
      want.enableMergeWhitelist ? set(want.mergeWhitelistUsernames) : '',
    ],
    ['requireSignedCommits', have.requireSignedCommits, want.requireSignedCommits],
    // Forgejo matches file patterns case-insensitively.
    ['protectedFilePatterns', patterns(have.protectedFilePatterns), patterns(want.protectedFilePatterns)],
    ['unprotectedFilePatterns', patterns(have.unprotectedFilePatterns), patterns(want.unprotectedFilePatterns)],
  ]);
}

const patterns = (xs: string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort().join(';');

function diff(fields: [string, unknown, unknown][]): Change[] {
  return fields.filter(([, from, to]) => from !== to).map(([field, from, to]) => ({ field, from, to }));
}
