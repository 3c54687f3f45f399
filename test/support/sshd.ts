import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface SshServer {
  /** the address clients connect to: `bindAddress`, 127.0.0.1 when it listens on every address */
  host: string;
  port: number;
  user: string;
  /** For GIT_SSH_COMMAND: the client key, no host key prompt, and connection reuse when asked for. */
  sshCommand: string;
  /** `sshCommand` as words, for spawning ssh without a shell (then `-p PORT USER@HOST COMMAND`) */
  sshArgs: string[];
  /** the client key's file, and the authorized_keys file sshd reads (a test may bind the key to a forced command) */
  clientKey: string;
  authorizedKeys: string;
  /** ssh://USER@HOST:PORT/ABSOLUTE/PATH */
  url(absolutePath: string): string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  reuse?: boolean;
  /** ListenAddress; default 127.0.0.1 */
  bindAddress?: string;
  /** a fixed port (a network namespace of its own has every port free); default: a free one on loopback */
  port?: number;
  /** how sshd is started, e.g. inside a network namespace and a cgroup; default node's spawn */
  spawn?: (cmd: string, args: string[], opts: SpawnOptions) => ChildProcess;
}

const SSHD_CANDIDATES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd'];

/**
 * A real OpenSSH server on loopback, on a free port, with its own host key, client key and
 * authorized_keys in a temporary folder: nothing of the machine's ssh setup is read or changed
 * (only /run/sshd is created, which sshd needs when it runs as root).
 * `reuse` adds ControlMaster/ControlPersist, as an agent's ssh config would.
 */
export async function startSshd(opts: SshdOptions = {}): Promise<SshServer> {
  const sshd = SSHD_CANDIDATES.find((p) => existsSync(p));
  if (!sshd) throw new Error(`sshd not found (looked in ${SSHD_CANDIDATES.join(', ')}): install openssh-server`);
  const user = userInfo().username;
  const bind = opts.bindAddress ?? '127.0.0.1';
  const host = bind === '0.0.0.0' ? '127.0.0.1' : bind;
  const start = opts.spawn ?? spawn;
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-sshd-'));
  let child: ChildProcess | undefined;
  try {
    for (const key of ['host_key', 'client_key'])
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', key, '-f', join(dir, key)]);
    mkdirSync(join(dir, 'home'));
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
    // sshd running as root insists on its privilege separation folder.
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    // The free port is closed again before sshd binds it: another test may take it meanwhile; pick another then.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = opts.port ?? (await freePort());
      writeFileSync(join(dir, 'sshd_config'), sshdConfig(dir, bind, port, user));
      child = start(sshd, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
      try {
        await waitForBanner(host, port, child, () => log);
        break;
      } catch (error) {
        await stopChild(child);
        if (attempt >= 5 || opts.port !== undefined || !/Address already in use|Cannot bind/i.test(log)) throw error;
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
      host,
      port,
      user,
      sshCommand: [...base, ...reuse].map(shellQuote).join(' '),
      sshArgs: [...base, ...reuse],
      clientKey: join(dir, 'client_key'),
      authorizedKeys: join(dir, 'authorized_keys'),
      url: (path) => `ssh://${user}@${host}:${port}${path}`,
      async stop() {
        // The persisted master holds a session open on the server: close it before the server goes.
        if (opts.reuse)
          spawnSync(
            'ssh',
            ['-F', '/dev/null', '-o', `ControlPath=${control}`, '-O', 'exit', '-p', String(port), `${user}@${host}`],
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

function sshdConfig(dir: string, bindAddress: string, port: number, user: string): string {
  return [
    `Port ${port}`,
    `ListenAddress ${bindAddress}`,
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
async function waitForBanner(
  host: string,
  port: number,
  child: ChildProcess,
  log: () => string,
  boundMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited ${child.exitCode}: ${log().trim()}`);
    if (await bannerOnce(host, port)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`sshd did not answer on ${host}:${port} within ${boundMs} ms: ${log().trim()}`);
}

/** True once HOST:PORT sends an SSH banner (exported: a harness waits on a relinked node the same way). */
export function bannerOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
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
