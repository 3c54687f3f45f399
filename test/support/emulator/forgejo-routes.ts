// Forgejo v11 endpoints the project uses, answering as Forgejo does (status codes, pagination, combined status).
import {
  iso,
  renderCombined,
  renderComment,
  renderIssue,
  renderLabel,
  renderProtection,
  renderPull,
  renderRepo,
  renderStatus,
} from './forgejo-render.js';
import { STATUS_STATES, type ForgejoState, type RepoRec, type StatusState } from './forgejo-state.js';
import type { EmuResponse, Route, RouteContext } from './types.js';

const DOCS = 'https://forgejo.org/api/swagger';
export const forgejoError = (status: number, message: string): EmuResponse => ({
  status,
  body: status === 404 ? { message, url: DOCS, errors: [] } : { message, url: DOCS },
});
const COLOR = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i;
// Forgejo's API.DefaultPagingNum and API.MaxResponseItems defaults.
const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 50;

function paginate<T>(
  mode: ForgejoState['pagination']['mode'],
  q: URLSearchParams,
  items: T[],
): { items: T[]; headers: Record<string, string> } {
  const limit = Math.min(MAX_LIMIT, Number(q.get('limit') ?? DEFAULT_LIMIT) || DEFAULT_LIMIT);
  if (mode === 'ignores-page') return { items: items.slice(0, limit), headers: {} };
  const p = Math.max(1, Number(q.get('page') ?? 1) || 1);
  return { items: items.slice((p - 1) * limit, p * limit), headers: { 'x-total-count': String(items.length) } };
}

const PROTECTION_DEFAULTS = {
  enable_push: false,
  enable_push_whitelist: false,
  push_whitelist_usernames: [],
  push_whitelist_teams: [],
  push_whitelist_deploy_keys: false,
  enable_merge_whitelist: false,
  merge_whitelist_usernames: [],
  merge_whitelist_teams: [],
  enable_status_check: false,
  status_check_contexts: [],
  required_approvals: 0,
  enable_approvals_whitelist: false,
  approvals_whitelist_username: [],
  approvals_whitelist_teams: [],
  block_on_rejected_reviews: false,
  block_on_official_review_requests: false,
  block_on_outdated_branch: false,
  dismiss_stale_approvals: false,
  ignore_stale_approvals: false,
  require_signed_commits: false,
  protected_file_patterns: '',
  unprotected_file_patterns: '',
  apply_to_admins: false,
};

export function forgejoRoutes(st: ForgejoState, base: () => string, now: () => number): Route[] {
  const R = '/repos/{owner}/{repo}';
  const page = <T>(q: URLSearchParams, items: T[]) => paginate(st.pagination.mode, q, items);
  const repoOf = (p: Record<string, string>) => `${p.owner}/${p.repo}`;
  type H = (r: RepoRec, c: RouteContext, body: Record<string, unknown>) => EmuResponse;
  const on = (method: string, tail: string, h: H): Route => ({
    method,
    template: R + tail,
    repoOf,
    handle: (c) => {
      const r = st.repos.get(repoOf(c.params));
      if (!r) return forgejoError(404, "The target couldn't be found.");
      return h(r, c, (c.req.body ?? {}) as Record<string, unknown>);
    },
  });
  const full = (r: RepoRec) => `${r.owner}/${r.name}`;
  const issueOr404 = (
    r: RepoRec,
    c: RouteContext,
    f: (i: NonNullable<ReturnType<RepoRec['issues']['get']>>) => EmuResponse,
  ) => {
    const i = r.issues.get(Number(c.params.index));
    return i ? f(i) : forgejoError(404, 'issue does not exist');
  };
  const labelNames = (r: RepoRec, raw: unknown[]) =>
    raw
      .map((x) => (typeof x === 'number' ? r.labels.get(x)?.name : String(x)))
      .filter((x): x is string => x !== undefined);

  return [
    { method: 'GET', template: '/version', handle: () => ({ status: 200, body: { version: '11.0.15+gitea-1.22.0' } }) },
    on('GET', '', (r) => ({ status: 200, body: renderRepo(base(), r) })),
    on('GET', '/labels', (r, c) => {
      const pg = page(c.req.query, [...r.labels.values()]);
      return { status: 200, body: pg.items.map((l) => renderLabel(base(), r, l)), headers: pg.headers };
    }),
    on('POST', '/labels', (r, _c, b) => {
      if (typeof b.name !== 'string' || b.name === '' || typeof b.color !== 'string' || !COLOR.test(b.color))
        return forgejoError(422, 'invalid label: name and a #rrggbb color are required');
      return {
        status: 201,
        body: renderLabel(
          base(),
          r,
          st.createLabel(full(r), {
            name: b.name,
            color: b.color,
            description: String(b.description ?? ''),
            exclusive: Boolean(b.exclusive),
          }),
        ),
      };
    }),
    on('PATCH', '/labels/{id}', (r, c, b) => {
      const l = r.labels.get(Number(c.params.id));
      if (!l) return forgejoError(404, 'label does not exist');
      if (b.color !== undefined && (typeof b.color !== 'string' || !COLOR.test(b.color)))
        return forgejoError(422, 'invalid color');
      if (typeof b.name === 'string') l.name = b.name;
      if (typeof b.color === 'string') l.color = b.color.replace(/^#/, '').toLowerCase();
      if (typeof b.description === 'string') l.description = b.description;
      if (typeof b.exclusive === 'boolean') l.exclusive = b.exclusive;
      return { status: 200, body: renderLabel(base(), r, l) };
    }),
    on('DELETE', '/labels/{id}', (r, c) =>
      r.labels.delete(Number(c.params.id)) ? { status: 204 } : forgejoError(404, 'label does not exist'),
    ),
    on('GET', '/branch_protections', (r) => ({ status: 200, body: [...r.protections.values()].map(renderProtection) })),
    on('POST', '/branch_protections', (r, _c, b) => {
      const name = String(b.rule_name ?? b.branch_name ?? '');
      if (name === '') return forgejoError(422, 'rule_name is required');
      if (r.protections.has(name)) return forgejoError(403, 'Branch protection already exist');
      const { branch_name: _ignored, ...fields } = b;
      const rec = {
        ...PROTECTION_DEFAULTS,
        ...fields,
        rule_name: name,
        created_at: iso(now()),
        updated_at: iso(now()),
      };
      r.protections.set(name, rec);
      return { status: 201, body: renderProtection(rec) };
    }),
    on('PATCH', '/branch_protections/{name}', (r, c, b) => {
      const rec = r.protections.get(c.params.name as string);
      if (!rec) return forgejoError(404, 'branch protection does not exist');
      Object.assign(rec, b, { rule_name: rec.rule_name, updated_at: iso(now()) });
      return { status: 200, body: renderProtection(rec) };
    }),
    on('DELETE', '/branch_protections/{name}', (r, c) =>
      r.protections.delete(c.params.name as string)
        ? { status: 204 }
        : forgejoError(404, 'branch protection does not exist'),
    ),
    on('GET', '/pulls', (r, c) => {
      const state = c.req.query.get('state') ?? 'open';
      const all = [...r.issues.values()]
        .filter((i) => i.pull && (state === 'all' || i.state === state))
        .sort((a, b) => b.number - a.number);
      const pg = page(c.req.query, all);
      return { status: 200, body: pg.items.map((i) => renderPull(base(), r, i)), headers: pg.headers };
    }),
    on('POST', '/pulls', (r, _c, b) => {
      if (typeof b.head !== 'string' || typeof b.base !== 'string' || typeof b.title !== 'string')
        return forgejoError(422, 'head, base and title are required');
      const n = st.createPull(full(r), { title: b.title, head: b.head, base: b.base, body: String(b.body ?? '') });
      return { status: 201, body: renderPull(base(), r, r.issues.get(n)!) };
    }),
    on('GET', '/pulls/{index}', (r, c) =>
      issueOr404(r, c, (i) =>
        i.pull ? { status: 200, body: renderPull(base(), r, i) } : forgejoError(404, 'pull request does not exist'),
      ),
    ),
    on('PATCH', '/pulls/{index}', (r, c, b) =>
      issueOr404(r, c, (i) => {
        if (!i.pull) return forgejoError(404, 'pull request does not exist');
        if (typeof b.title === 'string') i.title = b.title;
        if (b.state === 'open' || b.state === 'closed') st.setIssueState(full(r), i.number, b.state);
        return { status: 201, body: renderPull(base(), r, i) };
      }),
    ),
    on('POST', '/pulls/{index}/merge', (r, c, b) =>
      issueOr404(r, c, (i) => {
        if (!i.pull) return forgejoError(404, 'pull request does not exist');
        if (typeof b.Do !== 'string') return forgejoError(422, 'Do is required');
        return st.mergePull(full(r), i.number) ? { status: 200 } : { status: 405 };
      }),
    ),
    on('GET', '/commits/{ref}/status', (r, c) => ({
      status: 200,
      body: renderCombined(base(), st, r, st.resolveRef(full(r), c.params.ref as string)),
    })),
    on('POST', '/statuses/{sha}', (r, c, b) => {
      if (!STATUS_STATES.includes(b.state as StatusState)) return forgejoError(400, `invalid state ${String(b.state)}`);
      const s = st.setStatus(full(r), c.params.sha as string, {
        state: b.state as StatusState,
        context: String(b.context ?? 'default'),
        description: String(b.description ?? ''),
        targetUrl: String(b.target_url ?? ''),
      });
      return { status: 201, body: renderStatus(base(), r, c.params.sha as string, s) };
    }),
    on('GET', '/issues', (r, c) => {
      const q = c.req.query;
      const state = q.get('state') ?? 'open';
      const type = q.get('type');
      const wanted = (q.get('labels') ?? '').split(',').filter(Boolean);
      const ids = [...r.labels.values()].filter((l) => wanted.includes(l.name)).map((l) => l.id);
      const all = [...r.issues.values()]
        .filter(
          (i) =>
            (state === 'all' || i.state === state) &&
            (type === 'issues' ? !i.pull : type === 'pulls' ? !!i.pull : true),
        )
        .filter((i) => wanted.length === 0 || i.labelIds.some((id) => ids.includes(id)))
        .sort((a, b) => b.number - a.number);
      const pg = page(q, all);
      return { status: 200, body: pg.items.map((i) => renderIssue(base(), r, i)), headers: pg.headers };
    }),
    on('POST', '/issues', (r, _c, b) => {
      if (typeof b.title !== 'string') return forgejoError(422, 'title is required');
      const n = st.createIssue(full(r), {
        title: b.title,
        body: String(b.body ?? ''),
        labelIds: (b.labels as number[] | undefined) ?? [],
        closed: b.closed === true,
      });
      return { status: 201, body: renderIssue(base(), r, r.issues.get(n)!) };
    }),
    on('GET', '/issues/{index}', (r, c) => issueOr404(r, c, (i) => ({ status: 200, body: renderIssue(base(), r, i) }))),
    on('PATCH', '/issues/{index}', (r, c, b) =>
      issueOr404(r, c, (i) => {
        if (typeof b.title === 'string') i.title = b.title;
        if (b.state === 'open' || b.state === 'closed') st.setIssueState(full(r), i.number, b.state);
        return { status: 201, body: renderIssue(base(), r, i) };
      }),
    ),
    on('GET', '/issues/{index}/comments', (r, c) =>
      issueOr404(r, c, (i) => ({ status: 200, body: i.comments.map((x) => renderComment(base(), r, i, x)) })),
    ),
    on('POST', '/issues/{index}/comments', (r, c, b) =>
      issueOr404(r, c, (i) => {
        if (typeof b.body !== 'string') return forgejoError(422, 'body is required');
        return { status: 201, body: renderComment(base(), r, i, st.addComment(full(r), i.number, b.body)) };
      }),
    ),
    on('POST', '/issues/{index}/labels', (r, c, b) =>
      issueOr404(r, c, (i) => {
        st.setIssueLabels(full(r), i.number, [
          ...new Set([...labelNames(r, i.labelIds), ...labelNames(r, (b.labels as unknown[]) ?? [])]),
        ]);
        return { status: 200, body: i.labelIds.map((id) => renderLabel(base(), r, r.labels.get(id)!)) };
      }),
    ),
    on('PUT', '/issues/{index}/labels', (r, c, b) =>
      issueOr404(r, c, (i) => {
        st.setIssueLabels(full(r), i.number, labelNames(r, (b.labels as unknown[]) ?? []));
        return { status: 200, body: i.labelIds.map((id) => renderLabel(base(), r, r.labels.get(id)!)) };
      }),
    ),
  ];
}
