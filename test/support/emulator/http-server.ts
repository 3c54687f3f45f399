// One emulated API on a real loopback HTTP server: routing, per-repo auth, injected faults, and an exchange log.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults } from './faults.js';
import { matchRoute } from './router.js';
import type { ApiName, EmuRequest, EmuResponse, Exchange, Route } from './types.js';

export interface ApiServerOptions {
  api: ApiName;
  basePath: string;
  routes: Route[];
  faults: Faults;
  exchanges: Exchange[];
  /** a response (401) when the request may not touch that repository */
  authorize(req: EmuRequest, repo: string | undefined, route: Route): EmuResponse | undefined;
  errorResponse(status: number, message: string): EmuResponse;
  onLine?: (line: string) => void;
  /** the emulated server's clock: its Date header (RFC 9110, whole seconds), which clients measure their offset by */
  now?: () => number;
  /** handler exceptions are emulator bugs: collected so the tests can fail on them */
  bugs: Error[];
}

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const redactHeaders = (h: IncomingMessage['headers']): Record<string, string> =>
  Object.fromEntries(
    Object.entries(h).map(([k, v]) => [k, k === 'authorization' ? String(v).replace(/ .*/, ' [REDACTED]') : String(v)]),
  );

export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      o.bugs.push(e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now(); // wall time: the emulated data clock may be simulated
    const url = new URL(req.url ?? '/', 'http://emulator');
    const body = await readBody(req);
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const ex: Exchange = {
      api: o.api,
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      requestHeaders: redactHeaders(req.headers),
      requestBody: body,
      startedAt: started,
    };
    o.exchanges.push(ex);

    const send = (r: EmuResponse) => {
      const type = r.type ?? (r.body === undefined ? undefined : 'json');
      const payload = r.body === undefined ? '' : type === 'json' ? JSON.stringify(r.body) : String(r.body);
      const headers: Record<string, string> = { date: new Date((o.now ?? Date.now)()).toUTCString(), ...r.headers };
      if (type)
        headers['content-type'] = type === 'json' ? 'application/json;charset=utf-8' : 'text/plain;charset=utf-8';
      res.writeHead(r.status, headers).end(payload);
      Object.assign(ex, {
        status: r.status,
        responseContentType: headers['content-type'],
        responseBody: type === 'json' ? JSON.parse(payload) : r.body,
        ms: Date.now() - started,
      });
      o.onLine?.(
        `[${o.api}] ${ex.method} ${url.pathname}${url.search} -> ${r.status}${ex.fault ? ` (fault ${ex.fault})` : ''}`,
      );
    };

    if (!url.pathname.startsWith(`${o.basePath}/`)) return send(o.errorResponse(404, 'not found'));
    const segments = url.pathname.slice(o.basePath.length).split('/').filter(Boolean).map(decodeURIComponent);
    const emuReq: EmuRequest = { method: ex.method, segments, query: url.searchParams, headers: req.headers, body };
    const m = matchRoute(o.routes, ex.method, segments);
    if (m === undefined) return send(o.errorResponse(404, 'not found'));
    if (m === 'method-not-allowed') return send(o.errorResponse(405, 'method not allowed'));
    ex.route = `${m.route.method} ${m.route.template}`;
    const repo = m.route.repoOf?.(m.params);
    if (repo !== undefined) ex.repo = repo;

    const fault = o.faults.take(o.api, ex.route, repo);
    if (fault) {
      ex.fault = fault.description;
      if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.hang) {
        o.onLine?.(`[${o.api}] ${ex.method} ${url.pathname} -> (hanging, fault ${fault.description})`);
        return; // the socket stays open until the client gives up or the emulator closes
      }
      if (fault.status !== undefined) {
        const r = o.errorResponse(fault.status, `injected ${fault.status}`);
        return send({
          ...r,
          headers: { ...r.headers, ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}) },
        });
      }
    }
    const denied = o.authorize(emuReq, repo, m.route);
    if (denied) return send(denied);
    send(m.route.handle({ req: emuReq, params: m.params }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
