// The emulated CI: repos and pipelines whose status the tests move (pending -> running -> success/failure).

export type PipelineStatus =
  'pending' | 'running' | 'success' | 'failure' | 'killed' | 'error' | 'blocked' | 'declined' | 'skipped' | 'canceled';
const FINISHED: ReadonlySet<PipelineStatus> = new Set([
  'success',
  'failure',
  'killed',
  'error',
  'declined',
  'skipped',
  'canceled',
]);

export interface PipelineRec {
  id: number;
  number: number;
  status: PipelineStatus;
  event: 'push' | 'pull_request' | 'manual' | 'cron' | 'tag';
  ref: string;
  branch: string;
  commit: string;
  message: string;
  author: string;
  /** unix seconds, 0 = not yet */
  created: number;
  started: number;
  finished: number;
  updated: number;
}
export interface CiRepoRec {
  id: number;
  owner: string;
  name: string;
  token?: string;
  pipelines: Map<number, PipelineRec>;
  nextNumber: number;
  /** the settings PATCH /repos/{id} writes (RepoPatch fields, Woodpecker's names); unset ones render their defaults */
  settings?: Record<string, unknown>;
}

/** An agent as the server stores it; custom labels come from the agent's WOODPECKER_AGENT_LABELS, not the API. */
export interface AgentRec {
  id: number;
  name: string;
  noSchedule: boolean;
  customLabels: Record<string, string>;
  capacity: number;
  /** unix seconds */
  created: number;
  updated: number;
  lastContact: number;
}

export function createWoodpeckerState(now: () => number) {
  const repos = new Map<number, CiRepoRec>();
  const agents = new Map<number, AgentRec>();
  const ids = { repo: 1, pipeline: 1, agent: 1 };
  let workers = 2;
  const secs = () => Math.floor(now() / 1000);

  const repo = (id: number): CiRepoRec => {
    const r = repos.get(id);
    if (!r) throw new Error(`emulator: no Woodpecker repo ${id}`);
    return r;
  };
  const pipeline = (repoId: number, n: number): PipelineRec => {
    const p = repo(repoId).pipelines.get(n);
    if (!p) throw new Error(`emulator: no pipeline #${n} in Woodpecker repo ${repoId}`);
    return p;
  };
  const all = () => [...repos.values()].flatMap((r) => [...r.pipelines.values()].map((p) => ({ r, p })));

  return {
    repos,
    agents,
    /** a connected agent, as one registers itself with the server */
    createAgent(name: string, opts: { labels?: Record<string, string>; noSchedule?: boolean; capacity?: number } = {}) {
      const t = secs();
      const rec: AgentRec = {
        id: ids.agent++,
        name,
        noSchedule: opts.noSchedule ?? false,
        customLabels: opts.labels ?? {},
        capacity: opts.capacity ?? 1,
        created: t,
        updated: t,
        lastContact: t,
      };
      agents.set(rec.id, rec);
      return rec;
    },
    repo,
    pipeline,
    byFullName: (fullName: string) => [...repos.values()].find((r) => `${r.owner}/${r.name}` === fullName),
    createRepo(fullName: string, opts: { token?: string } = {}): CiRepoRec {
      const [owner, name] = fullName.split('/');
      if (!owner || !name) throw new Error(`emulator: repo must be owner/name, got ${fullName}`);
      const rec: CiRepoRec = {
        id: ids.repo++,
        owner,
        name,
        pipelines: new Map(),
        nextNumber: 1,
        ...(opts.token ? { token: opts.token } : {}),
      };
      repos.set(rec.id, rec);
      return rec;
    },
    /** a new pipeline, pending; its number is returned */
    createPipeline(
      repoId: number,
      p: {
        ref?: string;
        branch?: string;
        commit?: string;
        event?: PipelineRec['event'];
        message?: string;
        number?: number;
      } = {},
    ): number {
      const r = repo(repoId);
      const number = p.number ?? r.nextNumber;
      r.nextNumber = Math.max(r.nextNumber, number + 1);
      const branch = p.branch ?? 'main';
      const t = secs();
      r.pipelines.set(number, {
        id: ids.pipeline++,
        number,
        status: 'pending',
        event: p.event ?? 'push',
        ref: p.ref ?? `refs/heads/${branch}`,
        branch,
        commit: p.commit ?? number.toString(16).padStart(40, 'a'),
        message: p.message ?? `pipeline ${number}`,
        author: r.owner,
        created: t,
        started: 0,
        finished: 0,
        updated: t,
      });
      return number;
    },
    setPipelineStatus(repoId: number, n: number, status: PipelineStatus) {
      const p = pipeline(repoId, n);
      const t = secs();
      if (status === 'running' && p.started === 0) p.started = t;
      if (FINISHED.has(status)) {
        if (p.started === 0 && status !== 'declined' && status !== 'skipped' && status !== 'canceled') p.started = t;
        p.finished = t;
      } else p.finished = 0;
      p.status = status;
      p.updated = t;
    },
    setWorkerCount: (n: number) => void (workers = n),
    /** Woodpecker's queue: one task per workflow; the emulator runs one workflow per pipeline */
    queue() {
      const task = ({ r, p }: { r: CiRepoRec; p: PipelineRec }) => ({
        id: String(p.id),
        pid: 0,
        name: `${r.owner}/${r.name}#${p.number}`,
        created: p.created,
        repo_id: r.id,
        pipeline_id: p.id,
        pipeline_number: p.number,
        labels: { repo: `${r.owner}/${r.name}` },
        dependencies: [],
        run_on: [],
        dep_status: {},
        agent_id: 0,
      });
      const pending = all()
        .filter((x) => x.p.status === 'pending')
        .sort((a, b) => a.p.created - b.p.created)
        .map(task);
      const running = all()
        .filter((x) => x.p.status === 'running')
        .map((x, i) => ({ ...task(x), agent_id: (i % Math.max(1, workers)) + 1 }));
      return {
        pending,
        running,
        waiting_on_deps: [],
        paused: false,
        stats: {
          worker_count: workers,
          pending_count: pending.length,
          running_count: running.length,
          waiting_on_deps_count: 0,
        },
      };
    },
  };
}

export type WoodpeckerState = ReturnType<typeof createWoodpeckerState>;
