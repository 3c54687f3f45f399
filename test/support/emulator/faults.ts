// Injected trouble, per API, route and repository: latency, error statuses, 429 with Retry-After, hangs.
import type { ApiName } from './types.js';

export interface FaultRule {
  api?: ApiName;
  /** "METHOD /template" as in the spec, e.g. "GET /repos/{owner}/{repo}/labels"; omit for every route */
  route?: string;
  /** "owner/name" (Forgejo) or the Woodpecker repo id as a string; omit for every repository */
  repo?: string;
  latencyMs?: number;
  /** answer with this status instead of handling the request (500, 502, 503, 429...) */
  status?: number;
  /** Retry-After header value sent with `status` (seconds or an HTTP date) */
  retryAfter?: string;
  /** never answer; the socket is released when the emulator closes */
  hang?: boolean;
  /** apply to the next N matching requests only (default: until removed) */
  times?: number;
}

export interface FaultHit {
  latencyMs: number;
  status?: number;
  retryAfter?: string;
  hang: boolean;
  description: string;
}

export interface Faults {
  add(rule: FaultRule): number;
  remove(id: number): void;
  clear(): void;
  /** consumes one use of every matching rule */
  take(api: ApiName, route: string | undefined, repo: string | undefined): FaultHit | undefined;
}

export function createFaults(): Faults {
  const rules = new Map<number, FaultRule & { left: number }>();
  let nextId = 1;
  return {
    add(rule) {
      const id = nextId++;
      rules.set(id, { ...rule, left: rule.times ?? Number.POSITIVE_INFINITY });
      return id;
    },
    remove: (id) => void rules.delete(id),
    clear: () => rules.clear(),
    take(api, route, repo) {
      let hit: FaultHit | undefined;
      for (const [id, r] of rules) {
        if ((r.api && r.api !== api) || (r.route && r.route !== route) || (r.repo && r.repo !== repo)) continue;
        r.left--;
        if (r.left <= 0) rules.delete(id);
        hit ??= { latencyMs: 0, hang: false, description: '' };
        hit.latencyMs += r.latencyMs ?? 0;
        if (r.hang) hit.hang = true;
        if (r.status !== undefined && hit.status === undefined) {
          hit.status = r.status;
          if (r.retryAfter !== undefined) hit.retryAfter = r.retryAfter;
        }
        hit.description = [hit.description, `#${id}`].filter(Boolean).join(' ');
      }
      return hit;
    },
  };
}
