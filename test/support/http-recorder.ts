// A webhook receiver on loopback that records every request and answers as the test tells it to.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
/** a status to answer with, or 'hang': never answer (the connection stays open until close) */
export type Answer = number | 'hang';

export interface HttpRecorder {
  url: string;
  requests: Recorded[];
  /** answers for the next requests, in order; after them, 200 */
  answers: Answer[];
  close(): Promise<void>;
}

export async function startHttpRecorder(): Promise<HttpRecorder> {
  const requests: Recorded[] = [];
  const answers: Answer[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const answer = answers.shift() ?? 200;
      if (answer === 'hang') return;
      res.writeHead(answer, { 'Content-Type': 'text/plain' }).end(answer < 300 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answers,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
