import type { BranchProtection, ForgeClient, ForgeLabel } from '../../domain/ports/forge.js';

type LabelsAndProtections = Pick<
  ForgeClient,
  | 'listLabels'
  | 'createLabel'
  | 'editLabel'
  | 'deleteLabel'
  | 'listBranchProtections'
  | 'createBranchProtection'
  | 'editBranchProtection'
  | 'deleteBranchProtection'
>;

export interface MemoryForge extends LabelsAndProtections {
  /** every call made, as "method repo", to count reads and writes */
  calls: string[];
  state(repo: string): { labels: ForgeLabel[]; protections: BranchProtection[] };
}

/** The labels and branch protection part of a forge, in memory, for unit tests of reconcile. */
export function createMemoryForge(
  initial: Record<string, { labels?: ForgeLabel[]; protections?: BranchProtection[] }> = {},
): MemoryForge {
  const repos = new Map(
    Object.entries(initial).map(([k, v]) => [
      k,
      { labels: [...(v.labels ?? [])], protections: [...(v.protections ?? [])] },
    ]),
  );
  let nextId = 1000;
  const calls: string[] = [];
  const repo = (name: string) => {
    const r = repos.get(name);
    if (!r) throw Object.assign(new Error(`404 ${name}`), { status: 404 });
    return r;
  };
  const log = (method: string, name: string) => calls.push(`${method} ${name}`);
  const copy = <T>(x: T): T => structuredClone(x);
  return {
    calls,
    state: (name) => copy(repo(name)),
    async listLabels(name) {
      log('listLabels', name);
      return copy(repo(name).labels);
    },
    async createLabel(name, l) {
      log('createLabel', name);
      const label = { ...copy(l), id: nextId++ };
      repo(name).labels.push(label);
      return copy(label);
    },
    async editLabel(name, id, l) {
      log('editLabel', name);
      const r = repo(name);
      const at = r.labels.findIndex((x) => x.id === id);
      if (at < 0) throw Object.assign(new Error(`404 label ${id}`), { status: 404 });
      r.labels[at] = { ...copy(l), id };
      return copy(r.labels[at]!);
    },
    async deleteLabel(name, id) {
      log('deleteLabel', name);
      const r = repo(name);
      r.labels = r.labels.filter((x) => x.id !== id);
    },
    async listBranchProtections(name) {
      log('listBranchProtections', name);
      return copy(repo(name).protections);
    },
    async createBranchProtection(name, p) {
      log('createBranchProtection', name);
      repo(name).protections.push(copy(p));
      return copy(p);
    },
    async editBranchProtection(name, p) {
      log('editBranchProtection', name);
      const r = repo(name);
      r.protections = r.protections.map((x) => (x.branchName === p.branchName ? copy(p) : x));
      return copy(p);
    },
    async deleteBranchProtection(name, branch) {
      log('deleteBranchProtection', name);
      const r = repo(name);
      r.protections = r.protections.filter((x) => x.branchName !== branch);
    },
  };
}
