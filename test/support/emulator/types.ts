// Shapes shared by the emulator's HTTP layer, its two APIs and the contract check.

export type ApiName = 'forgejo' | 'woodpecker';

export interface EmuRequest {
  method: string;
  /** decoded path segments after the API base path */
  segments: string[];
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface EmuResponse {
  status: number;
  body?: unknown;
  /** 'json' (default when body is set) or 'text' */
  type?: 'json' | 'text';
  headers?: Record<string, string>;
}

export interface RouteContext {
  req: EmuRequest;
  params: Record<string, string>;
}

export interface Route {
  method: string;
  /** spec path template, relative to the API base path, e.g. /repos/{owner}/{repo}/labels */
  template: string;
  /** which repository the request concerns, for per-repo tokens and faults */
  repoOf?: (params: Record<string, string>) => string | undefined;
  handle: (ctx: RouteContext) => EmuResponse;
}

/** One request and what the emulator answered, as the contract check and test logs see it. */
export interface Exchange {
  api: ApiName;
  method: string;
  /** raw path including the base path, without the query string */
  path: string;
  query: Record<string, string[]>;
  requestHeaders: Record<string, string>;
  requestBody: unknown;
  route?: string;
  repo?: string;
  fault?: string;
  /** undefined while in flight or when the emulator hung on purpose */
  status?: number;
  responseContentType?: string;
  responseBody?: unknown;
  /** wall-clock epoch ms, even when the emulated clock is simulated */
  startedAt: number;
  ms?: number;
}
