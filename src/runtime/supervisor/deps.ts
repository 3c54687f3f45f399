// What a supervisor cycle is given (its I/O seams), and what the loop carries from one cycle to the next.
import type { CiOverloadState } from '../../domain/supervisor/ci-overload.js';
import type { HttpClient, HttpClientOptions } from '../../adapters/http/client.js';
import type { SupervisorConfigView } from '../../adapters/control-repo/supervisor-config.js';
import type { SupervisorStats } from '../../adapters/control-repo/supervisor-stats.js';

export interface SupervisorDeps {
  dir: string;
  env: NodeJS.ProcessEnv;
  node: string;
  now(): number;
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
}

export function newMemory(): SupervisorMemory {
  return { httpCache: new Map() };
}
