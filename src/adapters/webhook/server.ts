// Webhooks wake the supervisor: Forgejo/Gitea events and a generic signed POST /hook. Nothing is
// trusted from the body: a good webhook only asks for a cycle, which re-reads the forge itself. A
// signed push event's ref and commit subjects only decide whether it is worth one (push-wake.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pushWake, type PushEvent } from '../../domain/supervisor/push-wake.js';
import { verifySignature } from '../../domain/supervisor/webhook-signature.js';
import { CONTROL_PREFIX } from '../control-repo/lease.js';
import { TELEMETRY_PREFIX } from '../telemetry/read.js';

const PUSH_BRANCHES = { telemetry: TELEMETRY_PREFIX, control: CONTROL_PREFIX };

export interface WebhookServerOptions {
  /** "127.0.0.1:8787", ":8787" or "8787" (loopback); port 0 picks a free port */
  listen: string;
  secret: string;
  onWake(reason: string): void;
  log(line: string): void;
  maxBodyBytes?: number;
}
export interface WebhookServer {
  url: string;
  close(): Promise<void>;
}

export function parseListen(addr: string): { host: string; port: number } {
  const m = /^(?:(.*):)?(\d{1,5})$/.exec(addr.trim());
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new Error(`--listen takes HOST:PORT, e.g. 127.0.0.1:8787 (got "${addr}")`);
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, '') || '127.0.0.1', port };
}

export async function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  const { host, port } = parseListen(o.listen);
  const limit = o.maxBodyBytes ?? 1024 * 1024;
  const server = createServer((req, res) => void handle(req, res).catch(() => answer(res, 500, 'internal error')));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/healthz') return answer(res, 200, 'ok');
    const event = header(req, 'x-forgejo-event') ?? header(req, 'x-gitea-event');
    if (req.method !== 'POST' || (event === undefined && path !== '/hook'))
      return answer(res, 404, 'POST /hook, or a Forgejo webhook');
    const body = await readBody(req, limit);
    if (body === undefined) return answer(res, 413, `body over ${limit} bytes`);
    const what = event !== undefined ? `forgejo ${event} event` : 'generic webhook';
    const check = verifySignature(o.secret, body, req.headers);
    if (!check.ok) {
      o.log(`webhook refused (${what} from ${req.socket.remoteAddress}): ${check.reason}`);
      return answer(res, 401, check.reason);
    }
    const push = event === 'push' ? readPush(body) : undefined;
    const judged = push ? pushWake(push, PUSH_BRANCHES) : { wake: true, reason: what };
    if (!judged.wake) {
      o.log(`webhook accepted, no cycle: forgejo ${judged.reason}`);
      return answer(res, 200, `nothing to do: ${judged.reason}`);
    }
    o.log(`webhook accepted: ${push ? `forgejo ${judged.reason}` : what}`);
    answer(res, 202, 'a cycle runs now');
    o.onWake(push ? `forgejo ${judged.reason}` : what);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shownHost}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A push event's ref and commit messages (Forgejo's push payload); undefined when it has no such shape. */
function readPush(body: Buffer): PushEvent | undefined {
  try {
    const p = JSON.parse(body.toString('utf8')) as { ref?: unknown; commits?: unknown };
    if (typeof p.ref !== 'string' || !Array.isArray(p.commits)) return undefined;
    const messages = (p.commits as { message?: unknown }[]).map((c) => c?.message);
    return messages.every((m): m is string => typeof m === 'string') ? { ref: p.ref, messages } : undefined;
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function answer(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
