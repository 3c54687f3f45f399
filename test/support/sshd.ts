import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface SshServer {
  port: number;
  user: string;
  /** For GIT_SSH_COMMAND: the client key, no host key prompt, and connection reuse when asked for. */
  sshCommand: string;
  /** ssh://USER@127.0.0.1:PORT/ABSOLUTE/PATH */
  url(absolutePath: string): string;
  /** The client's private key, and the authorized_keys file sshd reads on every login (a test may rewrite it). */
  clientKey: string;
  authorizedKeys: string;
  stop(): Promise<void>;
}

const SSHD_CANDIDATES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd'];

/**
 * A real OpenSSH server on loopback, on a free port, with its own host key, client key and
 * authorized_keys in a temporary folder: nothing of the machine's ssh setup is read or changed
 * (only /run/sshd is created, which sshd needs when it runs as root).
 * `reuse` adds ControlMaster/ControlPersist, as an agent's ssh config would; `keyOptions` prefixes
 * the client key's authorized_keys line (`restrict,command="..."`).
 */
export async function startSshd(opts: { reuse?: boolean; keyOptions?: string } = {}): Promise<SshServer> {
  const sshd = SSHD_CANDIDATES.find((p) => existsSync(p));
  if (!sshd) throw new Error(`sshd not found (looked in ${SSHD_CANDIDATES.join(', ')}): install openssh-server`);
  const user = userInfo().username;
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-sshd-'));
  let child: ChildProcess | undefined;
  try {
    for (const key of ['host_key', 'client_key'])
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', key, '-f', join(dir, key)]);
    mkdirSync(join(dir, 'home'));
    const clientLine = readFileSync(join(dir, 'client_key.pub'), 'utf8');
    writeFileSync(join(dir, 'authorized_keys'), opts.keyOptions ? `${opts.keyOptions} ${clientLine}` : clientLine, {
      mode: 0o600,
    });
    // sshd running as root insists on its privilege separation folder.
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    // The free port is closed again before sshd binds it: another test may take it meanwhile; pick another then.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      writeFileSync(join(dir, 'sshd_config'), sshdConfig(dir, port, user));
      child = spawn(sshd, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
      try {
        await waitForBanner(port, child, () => log);
        break;
      } catch (error) {
        await stopChild(child);
        if (attempt >= 5 || !/Address already in use|Cannot bind/i.test(log)) throw error;
      }
    }

    const control = join(dir, 'cm-%C');
    const base = [
      'ssh',
      '-F',
      '/dev/null',
      '-i',
      join(dir, 'client_key'),
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'LogLevel=ERROR',
    ];
    const reuse = opts.reuse
      ? ['-o', 'ControlMaster=auto', '-o', `ControlPath=${control}`, '-o', 'ControlPersist=120']
      : [];
    const running = child;
    return {
      port,
      user,
      sshCommand: [...base, ...reuse].map(shellQuote).join(' '),
      url: (path) => `ssh://${user}@127.0.0.1:${port}${path}`,
      clientKey: join(dir, 'client_key'),
      authorizedKeys: join(dir, 'authorized_keys'),
      async stop() {
        // The persisted master holds a session open on the server: close it before the server goes.
        if (opts.reuse)
          spawnSync(
            'ssh',
            ['-F', '/dev/null', '-o', `ControlPath=${control}`, '-O', 'exit', '-p', String(port), `${user}@127.0.0.1`],
            { stdio: 'ignore', timeout: 5000 },
          );
        await stopChild(running);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function sshdConfig(dir: string, port: number, user: string): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `AllowUsers ${user}`,
    // An empty HOME: the login shell that runs git-upload-pack reads none of the user's startup
    // files, whose init code (pyenv, nvm...) would add its own cost to every SSH command.
    `SetEnv HOME=${join(dir, 'home')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    // The keys live under /tmp, whose permissions StrictModes would refuse.
    'StrictModes no',
    'UsePAM no',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

function shellQuote(word: string): string {
  return /^[\w./=%:@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls until the server sends its SSH banner: it is then accepting connections. */
async function waitForBanner(port: number, child: ChildProcess, log: () => string, boundMs = 10_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited ${child.exitCode}: ${log().trim()}`);
    if (await bannerOnce(port)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port} within ${boundMs} ms: ${log().trim()}`);
}

function bannerOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString('latin1').startsWith('SSH-'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
