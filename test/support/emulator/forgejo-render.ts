// Wire shapes of the emulated forge, limited to fields the Forgejo v11 spec defines (no nulls: the spec has none).
import type {
  CommentRec,
  ForgejoState,
  IssueRec,
  LabelRec,
  ProtectionRec,
  RepoRec,
  StatusRec,
} from './forgejo-state.js';

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function renderUser(login: string) {
  return {
    id: 1,
    login,
    login_name: '',
    full_name: '',
    email: `${login}@noreply.example.org`,
    avatar_url: '',
    language: '',
    is_admin: false,
    restricted: false,
    active: true,
    prohibit_login: false,
    location: '',
    website: '',
    description: '',
    visibility: 'public',
    followers_count: 0,
    following_count: 0,
    starred_repos_count: 0,
  };
}

export function renderRepo(base: string, r: RepoRec) {
  const full = `${r.owner}/${r.name}`;
  return {
    id: r.id,
    owner: renderUser(r.owner),
    name: r.name,
    full_name: full,
    description: '',
    empty: false,
    private: false,
    fork: false,
    template: false,
    mirror: false,
    size: 0,
    html_url: `${base}/${full}`,
    url: `${base}/api/v1/repos/${full}`,
    ssh_url: `git@emulator:${full}.git`,
    clone_url: `${base}/${full}.git`,
    default_branch: r.defaultBranch,
    archived: false,
    has_issues: true,
    has_pull_requests: true,
    open_issues_count: [...r.issues.values()].filter((i) => !i.pull && i.state === 'open').length,
    open_pr_counter: [...r.issues.values()].filter((i) => i.pull && i.state === 'open').length,
  };
}

export function renderLabel(base: string, r: RepoRec, l: LabelRec) {
  return {
    id: l.id,
    name: l.name,
    exclusive: l.exclusive,
    is_archived: l.isArchived,
    color: l.color,
    description: l.description,
    url: `${base}/api/v1/repos/${r.owner}/${r.name}/labels/${l.id}`,
  };
}

export function renderProtection(p: ProtectionRec) {
  return { ...p, branch_name: p.rule_name };
}

export function renderStatus(base: string, r: RepoRec, sha: string, s: StatusRec) {
  return {
    id: s.id,
    status: s.state,
    context: s.context,
    description: s.description,
    target_url: s.targetUrl,
    url: `${base}/api/v1/repos/${r.owner}/${r.name}/statuses/${sha}`,
    creator: renderUser('ci'),
    created_at: iso(s.createdAt),
    updated_at: iso(s.createdAt),
  };
}

export function renderCombined(base: string, st: ForgejoState, r: RepoRec, sha: string) {
  const { state, latest } = st.combined(`${r.owner}/${r.name}`, sha);
  return {
    state,
    sha,
    total_count: latest.length,
    statuses: latest.map((s) => renderStatus(base, r, sha, s)),
    repository: renderRepo(base, r),
    commit_url: `${base}/api/v1/repos/${r.owner}/${r.name}/commits/${sha}`,
    url: `${base}/api/v1/repos/${r.owner}/${r.name}/commits/${sha}/status`,
  };
}

function common(base: string, r: RepoRec, i: IssueRec, kind: 'issues' | 'pulls') {
  return {
    id: r.id * 100000 + i.number,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    user: renderUser(r.owner),
    labels: i.labelIds.flatMap((id) => {
      const l = r.labels.get(id);
      return l ? [renderLabel(base, r, l)] : [];
    }),
    assignees: [],
    comments: i.comments.length,
    is_locked: false,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    ...(i.closedAt !== undefined ? { closed_at: iso(i.closedAt) } : {}),
    html_url: `${base}/${r.owner}/${r.name}/${kind}/${i.number}`,
    url: `${base}/api/v1/repos/${r.owner}/${r.name}/${kind}/${i.number}`,
  };
}

export function renderIssue(base: string, r: RepoRec, i: IssueRec) {
  const out = {
    ...common(base, r, i, i.pull ? 'pulls' : 'issues'),
    ref: '',
    repository: { id: r.id, name: r.name, owner: r.owner, full_name: `${r.owner}/${r.name}` },
  };
  if (!i.pull) return out;
  return {
    ...out,
    pull_request: {
      merged: i.pull.merged,
      draft: false,
      html_url: out.html_url,
      ...(i.pull.mergedAt !== undefined ? { merged_at: iso(i.pull.mergedAt) } : {}),
    },
  };
}

export function renderPull(base: string, r: RepoRec, i: IssueRec) {
  const p = i.pull!;
  const branch = (ref: string, sha: string) => ({ label: ref, ref, sha, repo_id: r.id, repo: renderRepo(base, r) });
  return {
    ...common(base, r, i, 'pulls'),
    draft: false,
    mergeable: i.state === 'open',
    merged: p.merged,
    allow_maintainer_edit: false,
    ...(p.mergedAt !== undefined
      ? { merged_at: iso(p.mergedAt), merged_by: renderUser(r.owner), merge_commit_sha: p.headSha }
      : {}),
    head: branch(p.headRef, p.headSha),
    base: branch(p.baseRef, '0'.repeat(40)),
    merge_base: '0'.repeat(40),
    diff_url: `${base}/${r.owner}/${r.name}/pulls/${i.number}.diff`,
    patch_url: `${base}/${r.owner}/${r.name}/pulls/${i.number}.patch`,
    requested_reviewers: [],
    review_comments: 0,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

export function renderComment(base: string, r: RepoRec, i: IssueRec, c: CommentRec) {
  const issue = `${base}/${r.owner}/${r.name}/issues/${i.number}`;
  return {
    id: c.id,
    body: c.body,
    user: renderUser(r.owner),
    original_author: '',
    original_author_id: 0,
    assets: [],
    html_url: `${issue}#issuecomment-${c.id}`,
    issue_url: issue,
    pull_request_url: '',
    created_at: iso(c.createdAt),
    updated_at: iso(c.createdAt),
  };
}
