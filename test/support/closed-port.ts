import { createServer, type AddressInfo } from 'node:net';

/** `http://127.0.0.1:PORT` of a loopback port nothing listens on: bound, then released (a forge that is down). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
