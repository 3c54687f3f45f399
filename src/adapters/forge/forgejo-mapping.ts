// Wire <-> domain shapes for Forgejo: the only place that knows Forgejo's field names.
import type { z } from 'zod';
import type { BranchProtection, ForgeLabel, IssueSummary, PullSummary } from '../../domain/ports/forge.js';
import type { IssueWire, LabelWire, ProtectionWire, PullWire } from './forgejo-schemas.js';

export const toLabel = (l: z.infer<typeof LabelWire>): ForgeLabel => ({
  id: l.id,
  name: l.name,
  color: normalizeColor(l.color),
  description: l.description,
  ...(l.exclusive !== undefined ? { exclusive: l.exclusive } : {}),
});
export const toPull = (p: z.infer<typeof PullWire>): PullSummary => ({
  number: p.number,
  title: p.title,
  state: p.state,
  merged: p.merged ?? false,
  headSha: p.head.sha,
  updatedAt: p.updated_at,
});
export const toIssue = (i: z.infer<typeof IssueWire>): IssueSummary => ({
  number: i.number,
  title: i.title,
  state: i.state,
  labels: (i.labels ?? []).map((l) => l.name),
  updatedAt: i.updated_at,
});
export const toProtection = (p: z.infer<typeof ProtectionWire>): BranchProtection => ({
  branchName: p.rule_name || p.branch_name,
  requiredApprovals: p.required_approvals ?? 0,
  statusCheckContexts: p.status_check_contexts,
  enableStatusCheck: p.enable_status_check ?? false,
  pushWhitelistUsernames: p.push_whitelist_usernames,
  mergeWhitelistUsernames: p.merge_whitelist_usernames,
  enablePushWhitelist: p.enable_push_whitelist ?? false,
  enableMergeWhitelist: p.enable_merge_whitelist ?? false,
  requireSignedCommits: p.require_signed_commits ?? false,
  protectedFilePatterns: splitPatterns(p.protected_file_patterns),
  unprotectedFilePatterns: splitPatterns(p.unprotected_file_patterns),
});

/** Forgejo keeps a rule's file patterns as one string, separated by ';'. */
const splitPatterns = (text: string | null | undefined): string[] =>
  (text ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);

/** Forgejo answers colors as "rrggbb"; factoryctl compares them as lowercase "#rrggbb". */
export function normalizeColor(c: string): string {
  const hex = c.replace(/^#/, '').toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((x) => x + x).join('') : hex}`;
}

/**
 * enable_push follows the push allow-list: a protected branch either takes pushes from the listed
 * users only, or from nobody (changes arrive by PR). The ForgeClient shape has no separate switch.
 */
export const protectionBody = (p: BranchProtection) => ({
  required_approvals: p.requiredApprovals,
  enable_status_check: p.enableStatusCheck,
  status_check_contexts: p.statusCheckContexts,
  enable_push: p.enablePushWhitelist,
  enable_push_whitelist: p.enablePushWhitelist,
  push_whitelist_usernames: p.pushWhitelistUsernames,
  enable_merge_whitelist: p.enableMergeWhitelist,
  merge_whitelist_usernames: p.mergeWhitelistUsernames,
  require_signed_commits: p.requireSignedCommits,
  protected_file_patterns: p.protectedFilePatterns.join(';'),
  unprotected_file_patterns: p.unprotectedFilePatterns.join(';'),
});
