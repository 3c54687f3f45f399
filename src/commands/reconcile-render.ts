import type { Plan, PlanAction } from '../domain/reconcile/plan.js';
import type { RepoOutcome } from '../domain/reconcile/reconcile-all.js';

const SIGN: Record<PlanAction['kind'], string> = {
  'create-label': '+ label',
  'update-label': '~ label',
  'delete-label': '- label',
  'create-protection': '+ protection',
  'update-protection': '~ protection',
  'delete-protection': '- protection',
  'update-ci-settings': '~ ci settings of',
};

export function describeAction(a: PlanAction): string {
  const head = `${SIGN[a.kind]} ${a.name}`;
  switch (a.kind) {
    case 'create-label':
      return `${head} (${a.label.color}${a.label.description ? `, "${a.label.description}"` : ''})`;
    case 'create-protection':
      return `${head} (approvals ${a.protection.requiredApprovals}, checks [${a.protection.statusCheckContexts.join(', ')}])`;
    case 'update-label':
    case 'update-protection':
    case 'update-ci-settings':
      return `${head}: ${a.changes.map((c) => `${c.field} ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`).join('; ')}`;
    default:
      return head;
  }
}

/** One repository's block of the human plan; in-sync repositories take one line. */
export function renderOutcome(o: RepoOutcome, applying: boolean): string {
  const lines: string[] = [];
  const unmanaged = (p?: Plan) =>
    p && p.unmanaged.labels.length + p.unmanaged.protections.length > 0
      ? [
          `  unmanaged, left alone: ${[...p.unmanaged.labels.map((l) => `label ${l}`), ...p.unmanaged.protections.map((b) => `protection ${b}`)].join(', ')}`,
        ]
      : [];
  if (o.status === 'in-sync') return `${o.slug}: in sync`;
  if (o.status === 'failed') {
    lines.push(`${o.slug}: FAILED (${o.failure?.kind}): ${o.failure?.message}`);
    if (o.applied > 0) lines.push(`  ${o.applied} write(s) made before the failure`);
    return lines.join('\n');
  }
  const n = o.plan?.actions.length ?? 0;
  lines.push(`${o.slug}: ${applying ? `applied ${o.applied} change(s)` : `${n} change(s) to apply`}`);
  for (const a of o.plan?.actions ?? []) lines.push(`  ${describeAction(a)}`);
  lines.push(...unmanaged(o.plan));
  return lines.join('\n');
}

export function summarize(outcomes: RepoOutcome[]) {
  const count = (s: RepoOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  return {
    repositories: outcomes.length,
    inSync: count('in-sync'),
    drift: count('drift'),
    applied: count('applied'),
    failed: count('failed'),
    writes: outcomes.reduce((n, o) => n + o.applied, 0),
    changes: outcomes.reduce((n, o) => n + (o.plan?.actions.length ?? 0), 0),
  };
}
