import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type GitServerMode = 'up' | 'hang' | 'error';

export interface GitServer {
  /** http://HOST:PORT/ ; a repository ROOT/x.git is served as `${url}x.git`. */
  url: string;
  port: number;
  /** the same server by another of its addresses (a network namespace reaches it by the bridge's) */
  urlAt(host: string): string;
  setMode(mode: GitServerMode): void;
  requests: number;
  /** every request as `METHOD /path?query`, in arrival order (one `GET .../info/refs?service=git-upload-pack` per fetch) */
  log: readonly string[];
  close(): Promise<void>;
}

/**
 * A real git server on loopback: node's http server in front of `git http-backend` (CGI),
 * the smart HTTP protocol a forge speaks. `hang` accepts connections and never answers,
 * like a forge that stopped responding; `error` answers 503.
 * `host` is the address it listens on (default 127.0.0.1): a bridge's address, or 0.0.0.0 for all,
 * so that other network namespaces reach it as another machine reaches a forge.
 */
export async function startGitServer(root: string, opts: { host?: string } = {}): Promise<GitServer> {
  const host = opts.host ?? '127.0.0.1';
  let mode: GitServerMode = 'up';
  const sockets = new Set<Socket>();
  const state = { requests: 0 };
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    state.requests++;
    log.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    if (mode === 'hang') return; // keep the socket open, say nothing
    if (mode === 'error') {
      res.writeHead(503).end('unavailable');
      return;
    }
    serveCgi(root, req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const urlAt = (at: string) => `http://${at}:${port}/`;
  return {
    url: urlAt(host === '0.0.0.0' ? '127.0.0.1' : host),
    port,
    urlAt,
    setMode: (m) => {
      mode = m;
      if (m === 'up') for (const s of sockets) s.destroy(); // drop connections left hanging
    },
    get requests() {
      return state.requests;
    },
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveCgi(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_HTTP_RECEIVE_PACK: '1',
      REMOTE_USER: 'tester',
      REMOTE_ADDR: '127.0.0.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    },
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  cgi.stdout.on('end', () => res.end());
  cgi.on('error', () => res.writeHead(500).end());
  cgi.stderr.resume();
}
