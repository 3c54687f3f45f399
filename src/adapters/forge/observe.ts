// Reads the forges and CI into the supervisor's Observed: per repository, failures kept as data.
import type { AlarmTarget, ObservedTargets, TargetState } from '../../domain/supervisor/alarms-evaluate.js';
import type { CiQueueObservation } from '../../domain/supervisor/ci-overload.js';
import { ciQueueLoad, repoActivity } from '../../domain/supervisor/ci-work.js';
import type { RepoObservation } from '../../domain/supervisor/cycle.js';
import type { CiClient, ForgeClient } from '../../domain/ports/forge.js';
import { skippedNotes, type RepoRef, type Resolved, type ServerClients } from './server-clients.js';

export interface ObserveOptions {
  readyLabel: string;
  now: number;
  /** Combined status is read for at most this many open PRs of a repository (bounds the calls). */
  maxPullStatuses?: number;
  pipelinesPerRepo?: number;
}
export interface ForgeObservation {
  repos: RepoObservation[];
  ciQueue?: CiQueueObservation;
  targets: ObservedTargets;
  notes: string[];
  calls: number;
}

/** Everything the cycle needs from the forges and CI, each repository on its own (one failing never hides the others). */
export async function observeForges(
  clients: ServerClients,
  repos: readonly RepoRef[],
  targets: readonly AlarmTarget[],
  opts: ObserveOptions,
): Promise<ForgeObservation> {
  const before = clients.calls();
  const resolved = repos.map((r) => ({
    repo: r,
    forge: clients.forgeFor(r),
    ci: r.config.ci ? clients.ciFor(r) : undefined,
  }));
  const all = clients.ciServers();
  const notes = skippedNotes([...resolved.flatMap((r) => [r.forge, ...(r.ci ? [r.ci] : [])]), ...all]);
  const servers = all.flatMap((s) => ('client' in s ? [s] : []));
  const [observations, ciQueue, seen] = await Promise.all([
    Promise.all(resolved.filter((r) => 'client' in r.forge).map((r) => observeRepo(r.repo.slug, r.forge, r.ci, opts))),
    servers.length > 0
      ? observeQueue(
          servers.map((s) => s.client),
          opts.now,
        )
      : Promise.resolve(undefined),
    observeTargets(clients, repos, targets),
  ]);
  const result: ForgeObservation = { repos: observations, targets: seen, notes, calls: clients.calls() - before };
  if (servers.length > 0) result.ciQueue = ciQueue;
  return result;
}

async function observeRepo(
  slug: string,
  forge: Resolved<ForgeClient>,
  ci: (Resolved<CiClient> & { repoId?: number }) | undefined,
  opts: ObserveOptions,
): Promise<RepoObservation> {
  let calls = 0;
  const count = <T>(p: Promise<T>) => {
    calls++;
    return p;
  };
  try {
    const f = (forge as { client: ForgeClient }).client;
    const [pulls, ready, pipelines] = await Promise.all([
      count(f.listOpenPulls(slug)),
      count(f.listIssues(slug, { state: 'open', labels: [opts.readyLabel] })),
      ci && 'client' in ci
        ? count(ci.client.listPipelines(ci.repoId!, { perPage: opts.pipelinesPerRepo ?? 10 }))
        : Promise.resolve([]),
    ]);
    const pullStatuses = await Promise.all(
      pulls.slice(0, opts.maxPullStatuses ?? 10).map((p) => count(f.combinedStatus(slug, p.headSha))),
    );
    const activity = repoActivity({ pulls, readyIssues: ready.length, pipelines, pullStatuses }, opts.now);
    return { slug, activity, calls };
  } catch (error) {
    return { slug, error: (error as Error).message, calls };
  }
}

async function observeQueue(servers: CiClient[], now: number): Promise<CiQueueObservation> {
  try {
    return ciQueueLoad(await Promise.all(servers.map((s) => s.queueInfo())), now);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Each alarm target looked up once; a failed look-up is left out, so the alarm waits. */
export async function observeTargets(
  clients: ServerClients,
  repos: readonly RepoRef[],
  targets: readonly AlarmTarget[],
): Promise<ObservedTargets> {
  const out: Record<string, TargetState> = {};
  await Promise.all(
    targets.map(async (t) => {
      const seen = await lookupTarget(clients, repos, t);
      if ('state' in seen) out[t.key] = seen.state;
    }),
  );
  return out;
}

/** What a pipeline, PR or issue is now: `missing` when the server says it does not exist. */
export async function lookupTarget(
  clients: ServerClients,
  repos: readonly RepoRef[],
  t: Omit<AlarmTarget, 'key'>,
): Promise<{ state: TargetState } | { error: string }> {
  const repo = t.repo === undefined ? undefined : repos.find((r) => r.slug === t.repo);
  try {
    if (t.kind === 'pipeline') {
      const ci = await pipelineRepo(clients, repos, repo, t.repo);
      if ('error' in ci) return ci;
      if ('missing' in ci) return { state: { kind: 'missing' } };
      const p = await ci.client.getPipeline(ci.repoId, t.number);
      return { state: p ? { kind: 'pipeline', status: p.status } : { kind: 'missing' } };
    }
    const forge = repo ? clients.forgeFor(repo) : clients.onlyForge();
    if ('skipped' in forge) return { error: forge.skipped };
    if (t.kind === 'pull') {
      const p = await forge.client.getPull(t.repo!, t.number);
      return { state: p ? { kind: 'pull', state: p.state, merged: p.merged } : { kind: 'missing' } };
    }
    const i = await forge.client.getIssue(t.repo!, t.number);
    return { state: i ? { kind: 'issue', state: i.state } : { kind: 'missing' } };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function pipelineRepo(
  clients: ServerClients,
  repos: readonly RepoRef[],
  repo: RepoRef | undefined,
  slug: string | undefined,
): Promise<{ client: CiClient; repoId: number } | { error: string } | { missing: true }> {
  if (repo?.config.ci) {
    const ci = clients.ciFor(repo);
    return 'client' in ci ? { client: ci.client, repoId: ci.repoId! } : { error: ci.skipped };
  }
  if (slug === undefined) {
    const withCi = repos.filter((r) => r.config.ci);
    if (withCi.length !== 1) return { error: `${withCi.length} repositories have CI in repos/: name one with --repo` };
    return pipelineRepo(clients, repos, withCi[0], withCi[0]!.slug);
  }
  const only = clients.onlyCi();
  if ('skipped' in only) return { error: only.skipped };
  const found = await only.client.lookupRepo(slug);
  return found ? { client: only.client, repoId: found.id } : { missing: true };
}
