// Woodpecker v3 endpoints the project uses. Woodpecker answers errors as plain text.
import type { AgentRec, CiRepoRec, PipelineRec, WoodpeckerState } from './woodpecker-state.js';
import type { EmuResponse, Route } from './types.js';

export const woodpeckerError = (status: number, message: string): EmuResponse => ({
  status,
  body: message,
  type: 'text',
});

export function renderCiRepo(forge: string, r: CiRepoRec) {
  const full = `${r.owner}/${r.name}`;
  return {
    id: r.id,
    forge_id: 1,
    forge_remote_id: String(r.id),
    owner: r.owner,
    name: r.name,
    full_name: full,
    avatar_url: '',
    forge_url: `${forge}/${full}`,
    clone_url: `${forge}/${full}.git`,
    default_branch: 'main',
    private: false,
    visibility: 'public',
    active: true,
    allow_pr: true,
    allow_deploy: false,
    config_file: '',
    timeout: 60,
    netrc_trusted: [],
    require_approval: 'forks',
    approval_allowed_users: [],
    ...r.settings,
  };
}

/** The RepoPatch fields the emulator keeps (a real server has more; these are the ones factoryctl writes). */
const REPO_PATCH_FIELDS = [
  'config_file',
  'timeout',
  'visibility',
  'allow_pr',
  'allow_deploy',
  'require_approval',
  'netrc_trusted',
];

function patchRepo(forge: string, r: CiRepoRec, body: unknown): EmuResponse {
  if (typeof body !== 'object' || body === null) return woodpeckerError(400, 'Bad Request');
  const given = Object.entries(body as Record<string, unknown>).filter(([k]) => REPO_PATCH_FIELDS.includes(k));
  r.settings = { ...r.settings, ...Object.fromEntries(given) };
  return { status: 200, body: renderCiRepo(forge, r) };
}

export function renderPipeline(forge: string, r: CiRepoRec, p: PipelineRec) {
  return {
    id: p.id,
    number: p.number,
    parent: 0,
    event: p.event,
    status: p.status,
    created: p.created,
    updated: p.updated,
    started: p.started,
    finished: p.finished,
    timestamp: p.created,
    commit: p.commit,
    branch: p.branch,
    ref: p.ref,
    refspec: '',
    message: p.message,
    author: p.author,
    author_avatar: '',
    author_email: '',
    sender: p.author,
    forge_url: `${forge}/${r.owner}/${r.name}/commit/${p.commit}`,
    reviewed_by: '',
    reviewed: 0,
    errors: [],
    workflows: [],
    changed_files: [],
  };
}

export function renderAgent(a: AgentRec) {
  return {
    id: a.id,
    created: a.created,
    updated: a.updated,
    name: a.name,
    owner_id: -1,
    org_id: -1,
    token: `agent-token-${a.id}`,
    last_contact: a.lastContact,
    last_work: 0,
    platform: 'linux/amd64',
    backend: 'docker',
    capacity: a.capacity,
    version: '3.17.0',
    no_schedule: a.noSchedule,
    custom_labels: a.customLabels,
  };
}

/**
 * PATCH /agents/{agent_id} as server/api/agent.go PatchAgent does it: the body binds to a whole
 * Agent and the server copies its name and no_schedule (Go zero values when absent), nothing else.
 */
function patchAgent(a: AgentRec, body: unknown, now: number): EmuResponse {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return woodpeckerError(400, 'Bad Request');
  const b = body as { name?: unknown; no_schedule?: unknown };
  if (
    (b.name !== undefined && typeof b.name !== 'string') ||
    (b.no_schedule !== undefined && typeof b.no_schedule !== 'boolean')
  )
    return woodpeckerError(400, 'Bad Request');
  a.name = b.name ?? '';
  a.noSchedule = b.no_schedule ?? false;
  a.updated = Math.floor(now / 1000);
  return { status: 200, body: renderAgent(a) };
}

export function woodpeckerRoutes(st: WoodpeckerState, forge: () => string, now: () => number = Date.now): Route[] {
  const repoOf = (p: Record<string, string>) => p.repo_id;
  const withRepo = (id: string | undefined, f: (r: CiRepoRec) => EmuResponse): EmuResponse => {
    const r = st.repos.get(Number(id));
    return r ? f(r) : woodpeckerError(404, 'Not Found');
  };
  return [
    {
      method: 'GET',
      template: '/version',
      handle: () => ({
        status: 200,
        body: { source: 'https://github.com/woodpecker-ci/woodpecker', version: '3.17.0' },
      }),
    },
    { method: 'GET', template: '/queue/info', handle: () => ({ status: 200, body: st.queue() }) },
    {
      method: 'GET',
      template: '/agents',
      handle: ({ req }) => {
        const perPage = Math.max(1, Number(req.query.get('perPage') ?? 50) || 50);
        const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
        const list = [...st.agents.values()].sort((a, b) => a.id - b.id);
        return { status: 200, body: list.slice((page - 1) * perPage, page * perPage).map(renderAgent) };
      },
    },
    {
      method: 'GET',
      template: '/agents/{agent_id}',
      handle: ({ params }) => {
        const a = st.agents.get(Number(params.agent_id));
        return a ? { status: 200, body: renderAgent(a) } : woodpeckerError(404, 'Not Found');
      },
    },
    {
      method: 'PATCH',
      template: '/agents/{agent_id}',
      handle: ({ params, req }) => {
        const a = st.agents.get(Number(params.agent_id));
        return a ? patchAgent(a, req.body, now()) : woodpeckerError(404, 'Not Found');
      },
    },
    {
      method: 'GET',
      template: '/repos/lookup/{repo_full_name}',
      repoOf: (p) => (p.repo_full_name ? String(st.byFullName(p.repo_full_name)?.id ?? p.repo_full_name) : undefined),
      handle: ({ params }) => {
        const r = st.byFullName(params.repo_full_name ?? '');
        return r ? { status: 200, body: renderCiRepo(forge(), r) } : woodpeckerError(404, 'Not Found');
      },
    },
    {
      method: 'GET',
      template: '/repos/{repo_id}',
      repoOf,
      handle: ({ params }) => withRepo(params.repo_id, (r) => ({ status: 200, body: renderCiRepo(forge(), r) })),
    },
    {
      method: 'PATCH',
      template: '/repos/{repo_id}',
      repoOf,
      handle: ({ params, req }) => withRepo(params.repo_id, (r) => patchRepo(forge(), r, req.body)),
    },
    {
      method: 'GET',
      template: '/repos/{repo_id}/pipelines',
      repoOf,
      handle: ({ params, req }) =>
        withRepo(params.repo_id, (r) => {
          const perPage = Math.max(1, Number(req.query.get('perPage') ?? 50) || 50);
          const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
          const status = req.query.get('status');
          const branch = req.query.get('branch');
          const list = [...r.pipelines.values()]
            .filter((p) => (!status || p.status === status) && (!branch || p.branch === branch))
            .sort((a, b) => b.number - a.number);
          return {
            status: 200,
            body: list.slice((page - 1) * perPage, page * perPage).map((p) => renderPipeline(forge(), r, p)),
          };
        }),
    },
    {
      method: 'GET',
      template: '/repos/{repo_id}/pipelines/{pipeline_number}',
      repoOf,
      handle: ({ params }) =>
        withRepo(params.repo_id, (r) => {
          const p = r.pipelines.get(Number(params.pipeline_number));
          return p ? { status: 200, body: renderPipeline(forge(), r, p) } : woodpeckerError(404, 'Not Found');
        }),
    },
  ];
}
