// What a supervisor cycle is given (its I/O seams), and what the loop carries from one cycle to the next.
import type { DrainResult } from '../../domain/alerts/decide-alerts.js';
import type { CiOverloadState } from '../../domain/supervisor/ci-overload.js';
import type { LeaseRole } from '../../domain/supervisor/lease-term.js';
import type { Sightings } from '../../domain/placement/sightings.js';
import type { SshBackoff } from '../../domain/placement/ssh-backoff.js';
import type { HttpClient, HttpClientOptions } from '../../adapters/http/client.js';
import type { SupervisorConfigView } from '../../adapters/control-repo/supervisor-config.js';
import type { SupervisorStats } from '../../adapters/control-repo/supervisor-stats.js';
import type { Leader } from './leader.js';
import type { TelemetryTrustMemory } from './telemetry-trust.js';

export interface SupervisorDeps {
  dir: string;
  env: NodeJS.ProcessEnv;
  node: string;
  now(): number;
  /** a monotonic clock for lease ages (default: `now`); never compared with another machine's */
  mono?(): number;
  log(line: string): void;
  /** seams for tests and bench: HTTP timing, fetch */
  http?: Partial<HttpClientOptions>;
}
/** What the loop carries from one cycle to the next; a --once run starts empty. */
export interface SupervisorMemory {
  httpCache: Map<string, HttpClient>;
  lastGood?: SupervisorConfigView;
  prevCi?: CiOverloadState;
  /** the last good cycle's figures, which the loop's wakes update for `status` */
  stats?: SupervisorStats;
  /** looks at the lease between cycles, for `status` (a standby does nothing else) */
  leaseChecks: number;
  /** the role as the last step found it, for `status` */
  role?: LeaseRole;
  /** the forge's clock less ours, as its Date headers bound it (adapters/http/client.ts); undefined: not measured */
  clockOffsetMs?: number;
  /** what placement watches between cycles (runtime/supervisor/placement.ts); absent until placement first runs */
  placement?: PlacementMemory;
  /** telemetry tips' signatures and each node's last own telemetry (runtime/supervisor/telemetry-trust.ts) */
  telemetryTrust?: TelemetryTrustMemory;
  /** an outbox drain whose record did not land yet: the next cycle's commit carries it */
  alertDrain?: DrainResult;
  /** the term a look at the lease just took: the cycle it wakes keeps it (runtime/supervisor/lease.ts cycleLead) */
  taken?: Leader;
}

/** Placement's memory, on the supervisor's monotonic clock: lost on restart, which only restarts the watch. */
export interface PlacementMemory {
  sightings: Sightings;
  watchingSinceMs: number;
  /** since when this process leads (no node is called down within the grace after) */
  leaderSinceMs?: number;
  /** nodes whose SSH failed, and until when they are left alone */
  ssh: Map<string, SshBackoff>;
}

export function monoOf(deps: Pick<SupervisorDeps, 'now' | 'mono'>): () => number {
  return deps.mono ? () => deps.mono!() : deps.now;
}

export function newMemory(): SupervisorMemory {
  return { httpCache: new Map(), leaseChecks: 0 };
}
