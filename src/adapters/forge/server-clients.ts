// The forge and CI clients of a factory, from factory.yaml: one HTTP client (and so one call budget) per server.
import { parseDuration } from '../../domain/duration.js';
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import type { ResolvedRepoConfig } from '../../domain/config/repo-schema.js';
import type { CiClient, ForgeClient } from '../../domain/ports/forge.js';
import { createForgejoClient } from './forgejo.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../http/client.js';
import { createWoodpeckerClient } from '../ci/woodpecker.js';
import type { BudgetStatus } from '../http/budget.js';

export interface RepoRef {
  slug: string;
  config: Pick<ResolvedRepoConfig, 'forge' | 'tokenEnv' | 'ci'> & Partial<Pick<ResolvedRepoConfig, 'redMain'>>;
}
export type Resolved<T> = { client: T; server: string } | { skipped: string };

export interface ServerClients {
  forgeFor(repo: RepoRef): Resolved<ForgeClient>;
  ciFor(repo: RepoRef): Resolved<CiClient> & { repoId?: number };
  /** Every configured CI server (for the queue); those whose token is unset are skipped. */
  ciServers(): Resolved<CiClient>[];
  /** The factory's one forge or CI server, for an alarm on a repository not in repos/. */
  onlyForge(): Resolved<ForgeClient>;
  onlyCi(): Resolved<CiClient>;
  /** Requests sent so far through these clients. */
  calls(): number;
  budgets(): Record<string, BudgetStatus>;
  /** the servers' clocks less ours as their Date headers bound it: the least of them (the one that says "not yet" longest); undefined: none measured */
  clockOffset(): number | undefined;
}

/**
 * Clients are made on demand and kept in `cache` (the loop passes the same map every cycle, so a
 * server's rolling call budget spans cycles). A server whose token variable is unset is skipped.
 */
export function createServerClients(
  factory: Pick<FactoryConfig, 'forges' | 'ci' | 'supervisor'>,
  env: NodeJS.ProcessEnv,
  http: Partial<HttpClientOptions> = {},
  cache: Map<string, HttpClient> = new Map(),
): ServerClients {
  const made = new Map<string, ForgeClient | CiClient>();
  const httpFor = (key: string) => {
    let client = cache.get(key);
    if (!client) {
      client = createHttpClient({
        timeoutMs: parseDuration(factory.supervisor.requestTimeout),
        // A missed answer is retried by the next cycle: never stall this one on long waits.
        retries: 1,
        maxRetryAfterMs: 10_000,
        budget: { limit: factory.supervisor.budget.requestsPer30m },
        ...http,
      });
      cache.set(key, client);
    }
    return client;
  };
  const forge = (name: string, tokenEnv?: string): Resolved<ForgeClient> => {
    const cfg = factory.forges[name];
    if (!cfg) return { skipped: `forge "${name}" is not in factory.yaml` };
    const token = tokenEnv ?? cfg.tokenEnv;
    if (!env[token]) return { skipped: `forge ${name}: ${token} is not set` };
    const key = `forge:${name}:${token}`;
    if (!made.has(key))
      made.set(key, createForgejoClient({ baseUrl: cfg.url, tokenEnv: token, http: httpFor(`forge:${name}`), env }));
    return { client: made.get(key) as ForgeClient, server: name };
  };
  const ci = (name: string, tokenEnv?: string): Resolved<CiClient> => {
    const cfg = factory.ci[name];
    if (!cfg) return { skipped: `CI server "${name}" is not in factory.yaml` };
    const token = tokenEnv ?? cfg.tokenEnv;
    if (!env[token]) return { skipped: `CI ${name}: ${token} is not set` };
    const key = `ci:${name}:${token}`;
    if (!made.has(key))
      made.set(key, createWoodpeckerClient({ baseUrl: cfg.url, tokenEnv: token, http: httpFor(`ci:${name}`), env }));
    return { client: made.get(key) as CiClient, server: name };
  };
  const only = <T>(names: string[], kind: string, get: (n: string) => Resolved<T>): Resolved<T> =>
    names.length === 1 ? get(names[0]!) : { skipped: `factory.yaml has ${names.length} ${kind}s: name the repository` };
  return {
    forgeFor: (repo) => forge(repo.config.forge, repo.config.tokenEnv),
    ciFor: (repo) => {
      if (!repo.config.ci) return { skipped: `${repo.slug} has no ci in repos/` };
      const r = ci(repo.config.ci.server, repo.config.ci.tokenEnv);
      return 'client' in r ? { ...r, repoId: repo.config.ci.repoId } : r;
    },
    ciServers: () => Object.keys(factory.ci).map((n) => ci(n)),
    onlyForge: () => only(Object.keys(factory.forges), 'forge', (n) => forge(n)),
    onlyCi: () => only(Object.keys(factory.ci), 'CI server', (n) => ci(n)),
    calls: () => [...cache.values()].reduce((sum, c) => sum + c.stats().reads + c.stats().writes, 0),
    budgets: () => Object.fromEntries([...cache.entries()].map(([k, c]) => [k, c.stats().budget])),
    clockOffset: () => {
      const seen = [...cache.values()].flatMap((c) => c.stats().clockOffsetMs ?? []);
      return seen.length > 0 ? Math.min(...seen) : undefined;
    },
  };
}

/** Why a server was skipped, each reason once, for the cycle's notes. */
export function skippedNotes(results: Resolved<unknown>[]): string[] {
  return [...new Set(results.flatMap((r) => ('skipped' in r ? [r.skipped] : [])))];
}
