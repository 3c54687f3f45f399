// The emulated forge's data and the control API tests drive it with (no HTTP involved).

export type StatusState = 'pending' | 'success' | 'error' | 'failure' | 'warning';

export interface LabelRec {
  id: number;
  name: string;
  color: string;
  description: string;
  exclusive: boolean;
  isArchived: boolean;
}
export interface CommentRec {
  id: number;
  body: string;
  createdAt: number;
}
export interface StatusRec {
  id: number;
  state: StatusState;
  context: string;
  description: string;
  targetUrl: string;
  createdAt: number;
}
export interface IssueRec {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labelIds: number[];
  createdAt: number;
  updatedAt: number;
  closedAt?: number;
  /** oldest first */
  comments: CommentRec[];
  pull?: { headRef: string; headSha: string; baseRef: string; merged: boolean; mergedAt?: number };
}
/** Stored with the spec's snake_case field names, so PATCH merges and responses stay faithful. */
export type ProtectionRec = Record<string, unknown> & { rule_name: string; created_at: string; updated_at: string };
export interface RepoRec {
  id: number;
  owner: string;
  name: string;
  token: string;
  defaultBranch: string;
  labels: Map<number, LabelRec>;
  protections: Map<string, ProtectionRec>;
  issues: Map<number, IssueRec>;
  statuses: Map<string, StatusRec[]>;
  nextIndex: number;
}

export const STATUS_STATES: readonly StatusState[] = ['pending', 'success', 'error', 'failure', 'warning'];
// Forgejo's CalcCommitStatus: the worst state of the latest status of each context wins.
const WORST_FIRST: readonly StatusState[] = ['error', 'failure', 'warning', 'pending', 'success'];

export function createForgejoState(now: () => number, defaultToken: string) {
  const repos = new Map<string, RepoRec>();
  const ids = { repo: 1, label: 1, status: 1, comment: 1 };
  let shaCounter = 1;

  const repo = (fullName: string): RepoRec => {
    const r = repos.get(fullName);
    if (!r) throw new Error(`emulator: no Forgejo repo ${fullName}`);
    return r;
  };
  const issue = (fullName: string, n: number): IssueRec => {
    const i = repo(fullName).issues.get(n);
    if (!i) throw new Error(`emulator: no issue or PR #${n} in ${fullName}`);
    return i;
  };
  const touch = (i: IssueRec) => void (i.updatedAt = now());
  const labelIdsByName = (r: RepoRec, names: string[]) =>
    names.map(
      (n) =>
        [...r.labels.values()].find((l) => l.name === n)?.id ??
        createLabel(r.owner + '/' + r.name, { name: n, color: 'ededed' }).id,
    );

  function createLabel(
    fullName: string,
    l: { name: string; color: string; description?: string; exclusive?: boolean },
  ): LabelRec {
    const rec: LabelRec = {
      id: ids.label++,
      name: l.name,
      color: l.color.replace(/^#/, '').toLowerCase(),
      description: l.description ?? '',
      exclusive: l.exclusive ?? false,
      isArchived: false,
    };
    repo(fullName).labels.set(rec.id, rec);
    return rec;
  }

  return {
    repos,
    repo,
    issue,
    createLabel,
    /** 'ignores-page': list routes answer the first page to every `page` and send no X-Total-Count (a broken proxy or an old server) */
    pagination: { mode: 'forgejo' as 'forgejo' | 'ignores-page' },
    createRepo(fullName: string, opts: { token?: string; defaultBranch?: string } = {}): RepoRec {
      const [owner, name] = fullName.split('/');
      if (!owner || !name) throw new Error(`emulator: repo must be owner/name, got ${fullName}`);
      const rec: RepoRec = {
        id: ids.repo++,
        owner,
        name,
        token: opts.token ?? defaultToken,
        defaultBranch: opts.defaultBranch ?? 'main',
        labels: new Map(),
        protections: new Map(),
        issues: new Map(),
        statuses: new Map(),
        nextIndex: 1,
      };
      repos.set(fullName, rec);
      return rec;
    },
    setToken: (fullName: string, token: string) => void (repo(fullName).token = token),
    createPull(
      fullName: string,
      p: { title: string; head?: string; base?: string; headSha?: string; body?: string },
    ): number {
      const r = repo(fullName);
      const n = r.nextIndex++;
      const t = now();
      const headSha = p.headSha ?? (shaCounter++).toString(16).padStart(40, '0');
      r.issues.set(n, {
        number: n,
        title: p.title,
        body: p.body ?? '',
        state: 'open',
        labelIds: [],
        createdAt: t,
        updatedAt: t,
        comments: [],
        pull: { headRef: p.head ?? `branch-${n}`, headSha, baseRef: p.base ?? r.defaultBranch, merged: false },
      });
      return n;
    },
    pushToPull(fullName: string, n: number, sha: string) {
      const i = issue(fullName, n);
      if (!i.pull) throw new Error(`emulator: #${n} is not a PR`);
      i.pull.headSha = sha;
      touch(i);
    },
    /** false when the PR was not open (the API answers 405) */
    mergePull(fullName: string, n: number): boolean {
      const i = issue(fullName, n);
      if (!i.pull || i.state !== 'open') return false;
      Object.assign(i.pull, { merged: true, mergedAt: now() });
      Object.assign(i, { state: 'closed', closedAt: now() });
      touch(i);
      return true;
    },
    setIssueState(fullName: string, n: number, state: 'open' | 'closed') {
      const i = issue(fullName, n);
      if (i.pull?.merged) return;
      i.state = state;
      if (state === 'closed') i.closedAt = now();
      else delete i.closedAt;
      touch(i);
    },
    createIssue(
      fullName: string,
      p: { title: string; body?: string; labels?: string[]; labelIds?: number[]; closed?: boolean },
    ): number {
      const r = repo(fullName);
      const n = r.nextIndex++;
      const t = now();
      const labelIds = [...(p.labelIds ?? []), ...labelIdsByName(r, p.labels ?? [])];
      r.issues.set(n, {
        number: n,
        title: p.title,
        body: p.body ?? '',
        state: p.closed ? 'closed' : 'open',
        labelIds,
        createdAt: t,
        updatedAt: t,
        comments: [],
        ...(p.closed ? { closedAt: t } : {}),
      });
      return n;
    },
    addComment(fullName: string, n: number, body: string): CommentRec {
      const i = issue(fullName, n);
      const rec: CommentRec = { id: ids.comment++, body, createdAt: now() };
      i.comments.push(rec);
      touch(i);
      return rec;
    },
    setIssueLabels(fullName: string, n: number, names: string[]) {
      const i = issue(fullName, n);
      i.labelIds = labelIdsByName(repo(fullName), names);
      touch(i);
    },
    setStatus(
      fullName: string,
      sha: string,
      s: { state: StatusState; context?: string; description?: string; targetUrl?: string },
    ): StatusRec {
      const r = repo(fullName);
      const rec: StatusRec = {
        id: ids.status++,
        state: s.state,
        context: s.context ?? 'default',
        description: s.description ?? '',
        targetUrl: s.targetUrl ?? '',
        createdAt: now(),
      };
      r.statuses.set(sha, [...(r.statuses.get(sha) ?? []), rec]);
      return rec;
    },
    /** latest status per context, newest first, and the combined state ('' when there is none) */
    combined(fullName: string, sha: string): { state: StatusState | ''; latest: StatusRec[] } {
      const byContext = new Map<string, StatusRec>();
      for (const s of repo(fullName).statuses.get(sha) ?? []) byContext.set(s.context, s);
      const latest = [...byContext.values()].sort((a, b) => b.id - a.id);
      const state = WORST_FIRST.find((w) => latest.some((s) => s.state === w)) ?? '';
      return { state, latest };
    },
    /** a PR's head sha resolves like a branch name would */
    resolveRef(fullName: string, ref: string): string {
      const pr = [...repo(fullName).issues.values()].find((i) => i.pull?.headRef === ref);
      return pr?.pull?.headSha ?? ref;
    },
  };
}

export type ForgejoState = ReturnType<typeof createForgejoState>;
