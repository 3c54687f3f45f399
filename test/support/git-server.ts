import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type GitServerMode = 'up' | 'hang' | 'error';

/** Forgejo's push payload, the parts a receiver reads (commits are the spec's PayloadCommit). */
export interface PushPayload {
  ref: string;
  before: string;
  after: string;
  compare_url: string;
  commits: PayloadCommit[];
  total_commits: number;
  head_commit: PayloadCommit | null;
  pusher: { name: string; email: string; username: string };
}
export interface PayloadCommit {
  id: string;
  message: string;
  url: string;
  author: { name: string; email: string; username: string };
  committer: { name: string; email: string; username: string };
  timestamp: string;
  added: string[];
  removed: string[];
  modified: string[];
}
export interface PushWebhookDelivery {
  payload: PushPayload;
  status: number;
}

export interface GitServer {
  /** http://HOST:PORT/ ; a repository ROOT/x.git is served as `${url}x.git`. */
  url: string;
  port: number;
  /** the same server by another of its addresses (a network namespace reaches it by the bridge's) */
  urlAt(host: string): string;
  setMode(mode: GitServerMode): void;
  /**
   * From now on, every push that moves refs is followed by a Forgejo push webhook per moved ref
   * (POST, X-Forgejo-Event: push, HMAC-SHA256 of the body in X-Forgejo-Signature), sent after
   * the push has answered, as Forgejo's hook queue does.
   */
  setPushWebhook(url: string, secret: string): void;
  /** every push webhook sent, with the receiver's status (0: no answer) */
  readonly pushWebhooks: readonly PushWebhookDelivery[];
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
  let hook: { url: string; secret: string } | undefined;
  const pushWebhooks: PushWebhookDelivery[] = [];
  const server: Server = createServer((req, res) => {
    state.requests++;
    log.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    if (mode === 'hang') return; // keep the socket open, say nothing
    if (mode === 'error') {
      res.writeHead(503).end('unavailable');
      return;
    }
    const pushed = /^(.*)\/git-receive-pack$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    if (hook && req.method === 'POST' && pushed) {
      const to = hook;
      const repo = join(root, decodeURIComponent(pushed));
      const before = refsOf(repo);
      res.on('finish', () => void deliverPushes(repo, before, to, pushWebhooks));
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
    setPushWebhook: (url, secret) => (hook = { url, secret }),
    pushWebhooks,
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

const ZERO = '0'.repeat(40);

function refsOf(repo: string): Map<string, string> {
  const out = execFileSync('git', ['for-each-ref', '--format=%(objectname) %(refname)'], {
    cwd: repo,
    encoding: 'utf8',
  });
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(41), l.slice(0, 40)] as const),
  );
}

/** One webhook per ref the push moved, its commits those the ref did not reach before (Forgejo's "commits"). */
async function deliverPushes(
  repo: string,
  before: Map<string, string>,
  hook: { url: string; secret: string },
  deliveries: PushWebhookDelivery[],
): Promise<void> {
  const after = refsOf(repo);
  for (const [ref, sha] of after) {
    const old = before.get(ref) ?? ZERO;
    if (old === sha) continue;
    const known = [...before.values()].map((s) => `^${s}`);
    const payload: PushPayload = {
      ref,
      before: old,
      after: sha,
      compare_url: `${hook.url}/compare/${old.slice(0, 10)}...${sha.slice(0, 10)}`,
      commits: commitsOf(repo, [sha, ...known]),
      total_commits: 0,
      head_commit: null,
      pusher: { name: 'tester', email: 'tester@example.invalid', username: 'tester' },
    };
    payload.total_commits = payload.commits.length;
    payload.head_commit = payload.commits[payload.commits.length - 1] ?? null;
    const body = JSON.stringify(payload);
    let status = 0;
    try {
      const r = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forgejo-event': 'push',
          'x-forgejo-delivery': randomUUID(),
          'x-forgejo-signature': createHmac('sha256', hook.secret).update(body).digest('hex'),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      status = r.status;
      await r.arrayBuffer();
    } catch {
      status = 0;
    }
    deliveries.push({ payload, status });
  }
}

function commitsOf(repo: string, range: string[]): PayloadCommit[] {
  const SEP = '\x1e';
  const out = execFileSync(
    'git',
    ['log', '--reverse', '-n', '20', `--format=%H%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%cI%x1f%B${SEP}`, ...range, '--'],
    { cwd: repo, encoding: 'utf8' },
  );
  return out
    .split(SEP)
    .map((c) => c.replace(/^\n/, ''))
    .filter(Boolean)
    .map((c) => {
      const [id, an, ae, cn, ce, at, message] = c.split('\x1f') as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return {
        id,
        message,
        url: `http://forge.invalid/commit/${id}`,
        author: { name: an, email: ae, username: an },
        committer: { name: cn, email: ce, username: cn },
        timestamp: at,
        added: [],
        removed: [],
        modified: [],
      };
    });
}
