// ForgeClient over gitea-js; every HTTP concern (auth header, retries, budget) lives in the HttpClient passed in.
import { giteaApi } from 'gitea-js';
import type { z } from 'zod';
import { FactoryError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { BranchProtection, CombinedState, ForgeClient, ForgeLabel, IssueSummary, PullSummary } from './forge-types.js';
import { CombinedStatusWire, IssueWire, LabelWire, parseList, ProtectionWire, PullWire } from './forgejo-schemas.js';
import type { HttpClient } from './http-client.js';
import { isNotFound } from './http-errors.js';

export interface ForgejoClientOptions {
  /** e.g. https://codeberg.org (the API is under /api/v1) */
  baseUrl: string;
  /** NAME of the environment variable holding the token, never the token */
  tokenEnv: string;
  http: HttpClient;
  env?: Record<string, string | undefined>;
  /** list pages are fetched until X-Total-Count is reached, at most this many (bounds the budget) */
  maxPages?: number;
}

const PAGE = 50; // Forgejo's default MAX_RESPONSE_ITEMS
const COMBINED: readonly CombinedState[] = ['pending', 'success', 'error', 'failure', 'warning', ''];

export function readToken(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (!value) throw new FactoryError(`environment variable ${name} (forge token) is not set`, EXIT.CONFIG);
  return value;
}

function split(repo: string): [string, string] {
  const [owner, name, extra] = repo.split('/');
  if (!owner || !name || extra !== undefined) throw new FactoryError(`repository must be owner/name, got "${repo}"`, EXIT.USAGE);
  return [owner, name];
}

const orUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
};

const toLabel = (l: z.infer<typeof LabelWire>): ForgeLabel => ({ id: l.id, name: l.name, color: normalizeColor(l.color), description: l.description, ...(l.exclusive !== undefined ? { exclusive: l.exclusive } : {}) });
const toPull = (p: z.infer<typeof PullWire>): PullSummary => ({ number: p.number, title: p.title, state: p.state, merged: p.merged ?? false, headSha: p.head.sha, updatedAt: p.updated_at });
const toIssue = (i: z.infer<typeof IssueWire>): IssueSummary => ({ number: i.number, title: i.title, state: i.state, labels: (i.labels ?? []).map((l) => l.name), updatedAt: i.updated_at });
const toProtection = (p: z.infer<typeof ProtectionWire>): BranchProtection => ({
  branchName: p.rule_name || p.branch_name, requiredApprovals: p.required_approvals ?? 0, statusCheckContexts: p.status_check_contexts,
  enableStatusCheck: p.enable_status_check ?? false, pushWhitelistUsernames: p.push_whitelist_usernames, mergeWhitelistUsernames: p.merge_whitelist_usernames,
  enablePushWhitelist: p.enable_push_whitelist ?? false, enableMergeWhitelist: p.enable_merge_whitelist ?? false,
});

/** Forgejo answers colors as "rrggbb"; factoryctl compares them as lowercase "#rrggbb". */
export function normalizeColor(c: string): string {
  const hex = c.replace(/^#/, '').toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((x) => x + x).join('') : hex}`;
}

/**
 * enable_push follows the push allow-list: a protected branch either takes pushes from the listed
 * users only, or from nobody (changes arrive by PR). The ForgeClient shape has no separate switch.
 */
const protectionBody = (p: BranchProtection) => ({
  required_approvals: p.requiredApprovals, enable_status_check: p.enableStatusCheck, status_check_contexts: p.statusCheckContexts,
  enable_push: p.enablePushWhitelist, enable_push_whitelist: p.enablePushWhitelist, push_whitelist_usernames: p.pushWhitelistUsernames,
  enable_merge_whitelist: p.enableMergeWhitelist, merge_whitelist_usernames: p.mergeWhitelistUsernames,
});

export function createForgejoClient(o: ForgejoClientOptions): ForgeClient {
  const token = readToken(o.env ?? process.env, o.tokenEnv);
  const maxPages = o.maxPages ?? 20;
  // gitea-js sends "Bearer" only when given a token; Forgejo documents "token <value>", so the header is ours.
  const customFetch: typeof fetch = (input, init) => o.http.fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `token ${token}` } });
  const api = giteaApi(o.baseUrl.replace(/\/+$/, ''), { customFetch });

  async function pages<T extends z.ZodType>(schema: T, get: (page: number) => Promise<{ data: unknown; headers: Headers }>): Promise<z.infer<T>[]> {
    const out: z.infer<T>[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const res = await get(page);
      const items = parseList(schema, res.data);
      out.push(...items);
      const total = Number(res.headers.get('x-total-count') ?? NaN);
      if (items.length === 0 || (Number.isFinite(total) ? out.length >= total : items.length < PAGE)) break;
    }
    return out;
  }

  return {
    async listOpenPulls(repo) {
      const [owner, name] = split(repo);
      return (await pages(PullWire, (page) => api.repos.repoListPullRequests(owner, name, { state: 'open', page, limit: PAGE }))).map(toPull);
    },
    async getPull(repo, n) {
      const [owner, name] = split(repo);
      const res = await orUndefined(api.repos.repoGetPullRequest(owner, name, n));
      return res && toPull(PullWire.parse(res.data));
    },
    async combinedStatus(repo, ref) {
      const [owner, name] = split(repo);
      // Forgejo computes the combined state from the page of statuses it returns: ask for a full page.
      const res = await api.repos.repoGetCombinedStatusByRef(owner, name, ref, { limit: PAGE });
      const state = CombinedStatusWire.parse(res.data).state as CombinedState;
      return COMBINED.includes(state) ? state : '';
    },
    async listIssues(repo, opts) {
      const [owner, name] = split(repo);
      const labels = opts.labels?.length ? opts.labels.join(',') : undefined;
      return (await pages(IssueWire, (page) => api.repos.issueListIssues(owner, name, { state: opts.state, type: 'issues', page, limit: PAGE, ...(labels ? { labels } : {}) }))).map(toIssue);
    },
    async getIssue(repo, n) {
      const [owner, name] = split(repo);
      const res = await orUndefined(api.repos.issueGetIssue(owner, name, n));
      return res && toIssue(IssueWire.parse(res.data));
    },
    async listLabels(repo) {
      const [owner, name] = split(repo);
      return (await pages(LabelWire, (page) => api.repos.issueListLabels(owner, name, { page, limit: PAGE }))).map(toLabel);
    },
    async createLabel(repo, l) {
      const [owner, name] = split(repo);
      const res = await api.repos.issueCreateLabel(owner, name, { name: l.name, color: normalizeColor(l.color), description: l.description, ...(l.exclusive !== undefined ? { exclusive: l.exclusive } : {}) });
      return toLabel(LabelWire.parse(res.data));
    },
    async editLabel(repo, id, l) {
      const [owner, name] = split(repo);
      const res = await api.repos.issueEditLabel(owner, name, id, { name: l.name, color: normalizeColor(l.color), description: l.description, ...(l.exclusive !== undefined ? { exclusive: l.exclusive } : {}) });
      return toLabel(LabelWire.parse(res.data));
    },
    async deleteLabel(repo, id) {
      const [owner, name] = split(repo);
      await api.repos.issueDeleteLabel(owner, name, id);
    },
    async listBranchProtections(repo) {
      const [owner, name] = split(repo);
      return parseList(ProtectionWire, (await api.repos.repoListBranchProtection(owner, name)).data).map(toProtection);
    },
    async createBranchProtection(repo, p) {
      const [owner, name] = split(repo);
      // branch_name too: Forgejo reads rule_name, older Gitea servers only branch_name
      const res = await api.repos.repoCreateBranchProtection(owner, name, { rule_name: p.branchName, branch_name: p.branchName, ...protectionBody(p) });
      return toProtection(ProtectionWire.parse(res.data));
    },
    async editBranchProtection(repo, p) {
      const [owner, name] = split(repo);
      const res = await api.repos.repoEditBranchProtection(owner, name, p.branchName, protectionBody(p));
      return toProtection(ProtectionWire.parse(res.data));
    },
    async deleteBranchProtection(repo, branchName) {
      const [owner, name] = split(repo);
      await api.repos.repoDeleteBranchProtection(owner, name, branchName);
    },
  };
}
