import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/adapters/process/run-process.js';
import { closeMaster, sshCall, type SshClientOptions } from '../../../src/adapters/ssh/ssh-client.js';
import { startSshd, type SshServer } from '../../support/sshd.js';

// A real sshd on loopback: the supervisor's calls share one master connection per node, and a
// transport failure is told apart from a verb's own exit code.
describe('the SSH client: one multiplexed connection per node, exit 255 is transport', () => {
  let server: SshServer;
  let dir: string;
  let opts: SshClientOptions & { timeoutMs: number };
  beforeAll(async () => {
    server = await startSshd();
    dir = mkdtempSync(join(tmpdir(), 'factoryctl-ssh-client-'));
    opts = {
      controlDir: join(dir, 'cm'),
      identityFile: server.clientKey,
      knownHostsFile: join(dir, 'known_hosts'),
      connectTimeoutMs: 10_000,
      timeoutMs: 60_000,
    };
  });
  afterAll(async () => {
    await closeMaster({ user: server.user, host: server.host, port: server.port }, opts);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns the remote command's output and exit code, and reuses the master for the next call", async () => {
    const target = { user: server.user, host: server.host, port: server.port };
    const first = await sshCall(target, ['echo', 'hello'], opts);
    expect(first).toMatchObject({ ok: true, code: 0, stdout: 'hello\n' });
    const failing = await sshCall(target, ['exit', '3'], opts);
    expect(failing).toMatchObject({ ok: true, code: 3 });
    // The master is up: `ssh -O check` on the same control path answers.
    const check = await runProcess('ssh', [
      '-o',
      `ControlPath=${join(opts.controlDir, '%C')}`,
      '-p',
      String(server.port),
      '-O',
      'check',
      `${server.user}@${server.host}`,
    ]);
    expect(check.code, check.stderr).toBe(0);
  });

  it('a node nobody listens for is a transport failure, not an answer', async () => {
    const closed = await sshCall({ user: server.user, host: server.host, port: 1 }, ['true'], opts);
    expect(closed.ok).toBe(false);
    expect(closed).toMatchObject({ transport: true });
  });
});
