import type { CiSettingsClient, ForgeClient } from '../ports/forge.js';
import type { Plan, PlanAction } from './plan.js';

export type WriteClient = Pick<
  ForgeClient,
  | 'createLabel'
  | 'editLabel'
  | 'deleteLabel'
  | 'createBranchProtection'
  | 'editBranchProtection'
  | 'deleteBranchProtection'
>;

export interface ApplyResult {
  applied: PlanAction[];
  /** the action that failed, and why; the actions after it were not attempted */
  failed?: { action: PlanAction; error: unknown };
}

/**
 * Performs a plan's writes one at a time, in order. The first failure stops the repository's
 * apply (later writes may depend on it) and is returned as data: the caller reports it and
 * the next reconcile starts again from what the forge then holds.
 */
export async function applyPlan(
  client: WriteClient,
  repo: string,
  plan: Plan,
  ci?: Pick<CiSettingsClient, 'patchRepoSettings'>,
): Promise<ApplyResult> {
  const applied: PlanAction[] = [];
  for (const action of plan.actions) {
    try {
      await write(client, repo, action, ci);
      applied.push(action);
    } catch (error) {
      return { applied, failed: { action, error } };
    }
  }
  return { applied };
}

async function write(
  client: WriteClient,
  repo: string,
  a: PlanAction,
  ci: Pick<CiSettingsClient, 'patchRepoSettings'> | undefined,
): Promise<void> {
  switch (a.kind) {
    case 'create-label':
      await client.createLabel(repo, a.label);
      return;
    case 'update-label':
      await client.editLabel(repo, a.id, a.label);
      return;
    case 'delete-label':
      await client.deleteLabel(repo, a.id);
      return;
    case 'create-protection':
      await client.createBranchProtection(repo, a.protection);
      return;
    case 'update-protection':
      await client.editBranchProtection(repo, a.protection);
      return;
    case 'delete-protection':
      await client.deleteBranchProtection(repo, a.name);
      return;
    case 'update-ci-settings':
      if (!ci) throw new Error(`no CI client for ${a.name}`);
      await ci.patchRepoSettings(a.repoId, a.settings);
      return;
  }
}
