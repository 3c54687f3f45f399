// ForgeClient over gitea-js; every HTTP concern (auth header, retries, budget) lives in the HttpClient passed in.
import { giteaApi } from 'gitea-js';
import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import type { CombinedState, ForgeClient, Listing } from '../../domain/ports/forge.js';
import { normalizeColor, protectionBody, toIssue, toLabel, toProtection, toPull } from './forgejo-mapping.js';
import { CombinedStatusWire, IssueWire, LabelWire, parseList, ProtectionWire, PullWire } from './forgejo-schemas.js';
import { issueWrites } from './forgejo-issues.js';
import { PAGE, readPages } from './forgejo-pages.js';
import { readToken } from './token-env.js';
import type { HttpClient } from '../http/client.js';
import { isNotFound } from '../http/errors.js';

export { normalizeColor } from './forgejo-mapping.js';
export { readToken } from './token-env.js';

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

const COMBINED: readonly CombinedState[] = ['pending', 'success', 'error', 'failure', 'warning', ''];

function split(repo: string): [string, string] {
  const [owner, name, extra] = repo.split('/');
  if (!owner || !name || extra !== undefined)
    throw new FactoryError(`repository must be owner/name, got "${repo}"`, EXIT.USAGE);
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

export function createForgejoClient(o: ForgejoClientOptions): ForgeClient {
  const token = readToken(o.env ?? process.env, o.tokenEnv);
  const maxPages = o.maxPages ?? 20;
  // gitea-js sends "Bearer" only when given a token; Forgejo documents "token <value>", so the header is ours.
  const customFetch: typeof fetch = (input, init) =>
    o.http.fetch(input, {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), Authorization: `token ${token}` },
    });
  const api = giteaApi(o.baseUrl.replace(/\/+$/, ''), { customFetch });

  /** The mapped listing keeps the doubt of the wire listing. */
  const mapped = <W, D>(wire: Listing<W>, f: (w: W) => D): Listing<D> =>
    wire.doubt === undefined ? wire.map(f) : Object.assign(wire.map(f), { doubt: wire.doubt });

  return {
    ...issueWrites(api, split),
    async listOpenPulls(repo) {
      const [owner, name] = split(repo);
      const wire = await readPages(
        PullWire,
        (p) => p.number,
        maxPages,
        (page) => api.repos.repoListPullRequests(owner, name, { state: 'open', page, limit: PAGE }),
      );
      return mapped(wire, toPull);
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
      const wire = await readPages(
        IssueWire,
        (i) => i.number,
        maxPages,
        (page) =>
          api.repos.issueListIssues(owner, name, {
            state: opts.state,
            type: 'issues',
            page,
            limit: PAGE,
            ...(labels ? { labels } : {}),
          }),
      );
      return mapped(wire, toIssue);
    },
    async getIssue(repo, n) {
      const [owner, name] = split(repo);
      const res = await orUndefined(api.repos.issueGetIssue(owner, name, n));
      return res && toIssue(IssueWire.parse(res.data));
    },
    async listLabels(repo) {
      const [owner, name] = split(repo);
      const wire = await readPages(
        LabelWire,
        (l) => l.id,
        maxPages,
        (page) => api.repos.issueListLabels(owner, name, { page, limit: PAGE }),
      );
      return mapped(wire, toLabel);
    },
    async createLabel(repo, l) {
      const [owner, name] = split(repo);
      const res = await api.repos.issueCreateLabel(owner, name, {
        name: l.name,
        color: normalizeColor(l.color),
        description: l.description,
        ...(l.exclusive !== undefined ? { exclusive: l.exclusive } : {}),
      });
      return toLabel(LabelWire.parse(res.data));
    },
    async editLabel(repo, id, l) {
      const [owner, name] = split(repo);
      const res = await api.repos.issueEditLabel(owner, name, id, {
        name: l.name,
        color: normalizeColor(l.color),
        description: l.description,
        ...(l.exclusive !== undefined ? { exclusive: l.exclusive } : {}),
      });
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
      const res = await api.repos.repoCreateBranchProtection(owner, name, {
        rule_name: p.branchName,
        branch_name: p.branchName,
        ...protectionBody(p),
      });
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
