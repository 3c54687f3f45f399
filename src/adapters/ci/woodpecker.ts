// CiClient over the Woodpecker REST API (v3, Bearer token); HTTP concerns live in the HttpClient passed in.
import type { z } from 'zod';
import type { CiAgent, CiClient, CiRepoSettingsSeen, PipelineSummary } from '../../domain/ports/forge.js';
import type { CiRepoSettings } from '../../domain/config/ci-settings-schema.js';
import { readToken } from '../forge/token-env.js';
import type { HttpClient } from '../http/client.js';
import { isNotFound } from '../http/errors.js';
import { AgentWire, PipelineWire, QueueInfoWire, RepoSettingsWire, RepoWire } from './woodpecker-schemas.js';

export interface WoodpeckerClientOptions {
  /** the server URL, e.g. https://ci.codeberg.org (the API is under /api) */
  baseUrl: string;
  /** NAME of the environment variable holding the personal access token */
  tokenEnv: string;
  http: HttpClient;
  env?: Record<string, string | undefined>;
}

// Woodpecker reports 0 for "not yet"; the domain wants absent.
const when = (t: number | null | undefined) => (t ? t : undefined);

const toPipeline = (p: z.infer<typeof PipelineWire>): PipelineSummary => {
  const started = when(p.started);
  const finished = when(p.finished);
  return {
    number: p.number,
    status: p.status,
    createdAt: p.created,
    ...(started ? { startedAt: started } : {}),
    ...(finished ? { finishedAt: finished } : {}),
    ...(p.ref ? { ref: p.ref } : {}),
    ...(p.commit ? { commit: p.commit } : {}),
  };
};

const toAgent = (a: z.infer<typeof AgentWire>): CiAgent => ({
  id: a.id,
  name: a.name ?? '',
  noSchedule: a.no_schedule ?? false,
  customLabels: a.custom_labels ?? {},
  ...(a.last_contact ? { lastContact: a.last_contact } : {}),
});

const toSettings = (r: z.infer<typeof RepoSettingsWire>): CiRepoSettingsSeen => ({
  configFile: r.config_file ?? '',
  timeout: r.timeout ?? 0,
  visibility: (r.visibility ?? 'public') as CiRepoSettingsSeen['visibility'],
  allowPullRequests: r.allow_pr ?? false,
  allowDeploy: r.allow_deploy ?? false,
  requireApproval: (r.require_approval ?? 'none') as CiRepoSettingsSeen['requireApproval'],
  netrcTrusted: r.netrc_trusted ?? [],
});

/** Only the fields given, under Woodpecker's names (RepoPatch: an absent field is left as it is). */
const toPatch = (s: CiRepoSettings): Record<string, unknown> => {
  const names: Record<keyof CiRepoSettings, string> = {
    configFile: 'config_file',
    timeout: 'timeout',
    visibility: 'visibility',
    allowPullRequests: 'allow_pr',
    allowDeploy: 'allow_deploy',
    requireApproval: 'require_approval',
    netrcTrusted: 'netrc_trusted',
  };
  return Object.fromEntries(
    Object.entries(s).flatMap(([k, v]) => (v === undefined ? [] : [[names[k as keyof CiRepoSettings], v]])),
  );
};

/** Woodpecker's page size for /agents; more pages than this many agents' worth is a runaway, not a factory. */
const AGENTS_PER_PAGE = 50;
const AGENT_PAGES_MAX = 20;

export function createWoodpeckerClient(o: WoodpeckerClientOptions): CiClient {
  const token = readToken(o.env ?? process.env, o.tokenEnv);
  const base = `${o.baseUrl.replace(/\/+$/, '')}/api`;

  async function get(path: string): Promise<unknown> {
    const res = await o.http.fetch(`${base}${path}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    });
    return res.json();
  }
  async function patch(path: string, body: unknown): Promise<unknown> {
    const res = await o.http.fetch(`${base}${path}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return res.json();
  }
  async function getOrUndefined(path: string): Promise<unknown> {
    try {
      return await get(path);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  return {
    async listPipelines(repoId, opts) {
      const params = new URLSearchParams();
      if (opts?.perPage) params.set('perPage', String(opts.perPage));
      if (opts?.branch) params.set('branch', opts.branch);
      const q = params.size > 0 ? `?${params}` : '';
      const data = await get(`/repos/${repoId}/pipelines${q}`);
      return PipelineWire.array()
        .parse(data ?? [])
        .map(toPipeline);
    },
    async getPipeline(repoId, n) {
      const data = await getOrUndefined(`/repos/${repoId}/pipelines/${n}`);
      return data === undefined ? undefined : toPipeline(PipelineWire.parse(data));
    },
    async queueInfo() {
      const q = QueueInfoWire.parse(await get('/queue/info'));
      const pending = (q.pending ?? []).map((t) => ({ id: t.id, ...(t.created ? { created: t.created } : {}) }));
      const running = (q.running ?? []).map((t) => ({ id: t.id }));
      return {
        pending,
        running,
        stats: {
          pendingCount: q.stats?.pending_count ?? pending.length,
          runningCount: q.stats?.running_count ?? running.length,
          workerCount: q.stats?.worker_count ?? 0,
        },
      };
    },
    async lookupRepo(fullName) {
      // One encoded segment: Woodpecker's router decodes %2F back into owner/name for its catch-all parameter.
      const data = await getOrUndefined(`/repos/lookup/${encodeURIComponent(fullName)}`);
      if (data === undefined) return undefined;
      const r = RepoWire.parse(data);
      return { id: r.id, fullName: r.full_name };
    },
    async getRepoSettings(repoId) {
      return toSettings(RepoSettingsWire.parse(await get(`/repos/${repoId}`)));
    },
    async patchRepoSettings(repoId, settings) {
      await patch(`/repos/${repoId}`, toPatch(settings));
    },
    async getAgent(id) {
      const data = await getOrUndefined(`/agents/${id}`);
      return data === undefined ? undefined : toAgent(AgentWire.parse(data));
    },
    async listAgents() {
      const out: CiAgent[] = [];
      for (let page = 1; page <= AGENT_PAGES_MAX; page++) {
        const batch = AgentWire.array().parse((await get(`/agents?page=${page}&perPage=${AGENTS_PER_PAGE}`)) ?? []);
        out.push(...batch.map(toAgent));
        if (batch.length < AGENTS_PER_PAGE) break;
      }
      return out;
    },
    async patchAgent(id, to) {
      // PatchAgent copies name and no_schedule from the body (Go zero values when absent): an agent
      // patched with no_schedule alone would lose its name, so both are always sent.
      return toAgent(AgentWire.parse(await patch(`/agents/${id}`, { name: to.name, no_schedule: to.noSchedule })));
    },
  };
}
