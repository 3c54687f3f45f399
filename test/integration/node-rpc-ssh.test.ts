// `factoryctl node rpc` as the forced command of a key in a real sshd's authorized_keys, the line
// written by `factoryctl node install --ssh-key`: what the key can do, and everything it cannot.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLease } from '../../src/domain/supervisor/lease.js';
import { cleanupAll } from '../support/cleanup.js';
import { factoryctl } from '../support/cli.js';
import { IDENTITY, makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { nodeFactoryYaml, startNode, waitFor, type RunningNode } from '../support/node-fixture.js';
import { startSshd, type SshServer } from '../support/sshd.js';

interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('node rpc over a real sshd: the supervisor key runs the allowlist and nothing else', () => {
  let fixture: ControlRepoFixture;
  let sshd: SshServer;
  let dir: string;
  let admin: string;
  let scratch: string;
  const daemons: RunningNode[] = [];
  const children: ChildProcess[] = [];
  const servers: Server[] = [];
  let env: NodeJS.ProcessEnv;

  /** ssh with the test's client key (the harness's options), LogLevel raised where a test reads ssh's messages. */
  function ssh(extra: string[], command: string[], opts: { input?: string; logLevel?: string } = {}) {
    // ssh keeps the first value given for an option, so this LogLevel wins over the harness's own.
    const args = [
      '-o',
      `LogLevel=${opts.logLevel ?? 'ERROR'}`,
      ...sshd.sshArgs.slice(1),
      '-p',
      String(sshd.port),
      ...extra,
      `${sshd.user}@127.0.0.1`,
      ...command,
    ];
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(opts.input ?? '');
    const done = new Promise<SshResult>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
    return { child, done, stderr: () => stderr };
  }
  const run = (line: string) => ssh([], [line]).done;
  const journal = () =>
    readFileSync(join(dir, '.git', 'factoryctl', 'rpc-journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { request: string; code: number; outcome: string; from?: string });
  const haltDev = () => join(env.FACTORY_RUN_DIR!, 'halt', 'dev');

  beforeAll(async () => {
    fixture = makeControlRepo({
      factoryYaml: nodeFactoryYaml({ policy: { stopGrace: '2s' }, control: ['halt-files'] }),
    });
    scratch = mkdtempSync(join(tmpdir(), 'factoryctl-rpc-'));
    // The lease as a leader of epoch 4 left it: the node's pulls fetch it with every branch.
    const seed = await fixture.clone('lease-writer', fixture.bare);
    sh(seed, 'git', ['checkout', '-q', '--orphan', 'control/lease']);
    sh(seed, 'git', ['rm', '-rqf', '.']);
    writeFileSync(
      join(seed, 'lease.json'),
      renderLease({ holder: 'primary', epoch: 4, expiresAt: Date.parse('2030-01-01T00:00:00Z') }),
    );
    sh(seed, 'git', ['add', 'lease.json']);
    sh(seed, 'git', ['commit', '-qm', 'lease'], IDENTITY);
    sh(seed, 'git', ['push', '-q', 'origin', 'control/lease']);
    dir = await fixture.clone('node', fixture.bare);
    admin = await fixture.clone('admin', fixture.bare);
    env = {
      FACTORY_RUN_DIR: join(fixture.root, 'run'),
      FACTORY_STATE_DIR: join(fixture.root, 'state'),
      FACTORY_NODE: 'test-node',
    };
    sshd = await startSshd();
    const installed = await factoryctl(
      [
        'node',
        'install',
        '--ssh-key',
        `${sshd.clientKey}.pub`,
        '--from',
        '127.0.0.1',
        '--write',
        '--path',
        sshd.authorizedKeys,
      ],
      { cwd: dir, env },
    );
    expect(installed.code, installed.stderr).toBe(0);
  });
  afterAll(() =>
    cleanupAll([
      ...daemons.map((d) => () => d.stop(60_000)),
      ...children.map((c) => () => void c.kill('SIGKILL')),
      ...servers.map((s) => () => new Promise<void>((r) => s.close(() => r()))),
      () => sshd?.stop(),
      () => fixture?.cleanup(),
      () => rmSync(scratch, { recursive: true, force: true }),
    ]),
  );

  it('installs one restricted line, and installing again changes nothing', async () => {
    const text = readFileSync(sshd.authorizedKeys, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^restrict,from="127\.0\.0\.1",command="\/usr\/bin\/env FACTORY_RUN_DIR=\S+ FACTORY_STATE_DIR=\S+ \/\S+ \/\S+factoryctl\.cjs --dir \//,
    );
    expect(lines[0]).toContain(' node rpc" ssh-ed25519 ');
    const again = await factoryctl(
      [
        'node',
        'install',
        '--ssh-key',
        `${sshd.clientKey}.pub`,
        '--from',
        '127.0.0.1',
        '--write',
        '--path',
        sshd.authorizedKeys,
      ],
      { cwd: dir, env },
    );
    expect(again.stdout).toContain('unchanged:');
    expect(readFileSync(sshd.authorizedKeys, 'utf8')).toBe(text);
  });

  it('refuses, runs nothing and journals: shell lines, other commands, bad slots, long lines', async () => {
    const marker = join(scratch, 'ran');
    const cases: [string, number][] = [
      [`touch ${marker}`, 77],
      [`sync; touch ${marker}`, 77],
      [`status && touch ${marker}`, 77],
      [`status $(touch ${marker})`, 77],
      [`status > ${marker}`, 77],
      ['ls', 77],
      ['ls -la /', 77],
      [`logs nosuchslot`, 65],
      [`logs dev --lines 99999`, 65],
      [`sync now`, 65],
      [`logs ${'x'.repeat(1100)}`, 65],
    ];
    for (const [line, code] of cases) {
      const result = await run(line);
      expect({ line: line.slice(0, 60), code: result.code }).toEqual({ line: line.slice(0, 60), code });
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('refused');
      expect(existsSync(marker), `"${line}" ran something`).toBe(false);
    }
    // Only once `touch` is known not to run: even `rm -rf /` reaches nothing but the rpc.
    const rm = await run('rm -rf /');
    expect(rm.code).toBe(77);
    expect(existsSync(join(dir, 'factory.yaml'))).toBe(true);
    const refused = journal().filter((e) => e.outcome === 'refused');
    expect(refused.map((e) => e.code)).toEqual([...cases.map(([, c]) => c), 77]);
    expect(refused[0]).toMatchObject({ request: `touch ${marker}`, from: '127.0.0.1' });
  });

  it('opens no shell on ssh -tt: sshd grants no terminal, and what is typed runs nowhere', async () => {
    const marker = join(scratch, 'typed');
    const session = ssh(['-tt'], [], { input: `touch ${marker}\nexit\n`, logLevel: 'INFO' });
    const result = await session.done;
    // A forced -tt gives up when sshd refuses the terminal (255); else the rpc refuses the empty command (77).
    expect([77, 255], result.stderr + result.stdout).toContain(result.code);
    expect(result.stderr).toContain('PTY allocation request failed');
    expect(existsSync(marker)).toBe(false);
  });

  it('forwards no port: ssh -L to a listening server never reaches it', async () => {
    let arrived = 0;
    const target = createServer((socket) => {
      arrived += 1;
      socket.destroy();
    });
    servers.push(target);
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const targetPort = (target.address() as { port: number }).port;
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const localPort = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const tunnel = ssh(['-N', '-L', `${localPort}:127.0.0.1:${targetPort}`], [], { logLevel: 'INFO' });
    // The client listens once logged in; each connection to it asks sshd for a channel, which sshd refuses.
    await waitFor(
      'ssh to refuse the forwarded connection',
      async () => {
        await new Promise<void>((resolve) => {
          const socket = connect(localPort, '127.0.0.1');
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
        });
        return /administratively prohibited|open failed/.test(tunnel.stderr());
      },
      60_000,
    );
    tunnel.child.kill('SIGTERM');
    await tunnel.done;
    expect(arrived).toBe(0);
  });

  it('refuses the key from an address outside --from', async () => {
    const line = readFileSync(sshd.authorizedKeys, 'utf8');
    try {
      writeFileSync(sshd.authorizedKeys, line.replace('from="127.0.0.1"', 'from="10.255.255.1"'));
      const result = await run('status');
      expect(result.code).toBe(255);
      expect(result.stdout).toBe('');
    } finally {
      writeFileSync(sshd.authorizedKeys, line);
    }
  });

  it('sync makes a running daemon pull and apply a new halt at once; status shows it and the pulled lease', async () => {
    // An hour between samples: only the kick can make this daemon pull and cycle again within the test.
    const node = startNode(['--interval', '1h'], { cwd: dir, env });
    daemons.push(node);
    await waitFor(
      'the daemon to take kicks',
      () => existsSync(join(env.FACTORY_RUN_DIR!, 'rpc', 'kick.json')),
      120_000,
    );
    await waitFor('its first cycle', () => existsSync(join(env.FACTORY_RUN_DIR!, 'decision.json')), 120_000);
    expect(existsSync(haltDev())).toBe(false);

    const halted = await factoryctl(['halt', 'dev', '--reason', 'kicked over ssh'], { cwd: admin, env });
    expect(halted.code, halted.stderr).toBe(0);
    const synced = await run('sync');
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({ ok: true, by: 'daemon', pull: { ok: true } });
    // Asserted at once, not waited for: the rpc returned after the cycle that followed its pull.
    expect(existsSync(haltDev())).toBe(true);
    expect(readFileSync(haltDev(), 'utf8')).toContain('kicked over ssh');

    const status = await run('status');
    expect(status.code, status.stderr).toBe(0);
    const body = JSON.parse(status.stdout);
    expect(body).toMatchObject({
      node: 'test-node',
      lease: { holder: 'primary', epoch: 4 },
      daemon: { pid: node.child.pid, takesKicks: true },
      slots: ['dev', 'review'],
    });
    expect(typeof body.level).toBe('number');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.build).toBe('string');

    // The refusals of the earlier tests rode on the daemon's telemetry: the operator sees them from the primary.
    const told = await waitFor(
      'the refusals in the telemetry journal',
      () => {
        const text = sh(dir, 'git', ['show', 'telemetry/test-node:journal.jsonl']);
        return text.includes('"rpc-refused"') ? text : '';
      },
      120_000,
    );
    expect(told).toContain('touch ');
    expect(told).toMatch(/and \d+ more refused/);
    expect(await node.stop(60_000)).toBe(0);
    expect(existsSync(join(env.FACTORY_RUN_DIR!, 'rpc', 'kick.json'))).toBe(false);
  });

  it('sync with no daemon running pulls and applies in one shot', async () => {
    const resumed = await factoryctl(['resume', 'dev'], { cwd: admin, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(existsSync(haltDev())).toBe(true);
    const synced = await run('sync');
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({ ok: true, by: 'one-shot', pull: { ok: true } });
    expect(existsSync(haltDev())).toBe(false);
  });

  it('logs gives the tail of the slot run log, bounded by --lines', async () => {
    const logDir = join(env.FACTORY_RUN_DIR!, 'log');
    mkdirSync(logDir, { recursive: true });
    writeFileSync(join(logDir, 'dev.log'), Array.from({ length: 300 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    const five = await run('logs dev --lines 5');
    expect(five.code, five.stderr).toBe(0);
    expect(five.stdout).toBe('line 296\nline 297\nline 298\nline 299\nline 300\n');
    const fallback = await run('logs dev');
    expect(fallback.stdout.trim().split('\n')).toHaveLength(200);
    const never = await run('logs review');
    expect(never).toMatchObject({ code: 0, stdout: '' });
  });

  it("stop ends the slot's run, and a deposed leader's epoch stops nothing", async () => {
    // A run as the crontab line or the loop runner starts it: its own group, the slot's environment.
    const agent = spawn('/bin/sh', ['-c', 'sleep 600 & wait'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, FACTORY_DIR: dir, FACTORY_ROLE: 'dev', FACTORY_NODE: 'test-node' },
    });
    children.push(agent);
    const exited = new Promise<string | null>((r) => agent.on('exit', (_code, signal) => r(signal)));
    const sleeper = () =>
      sh('/', 'ps', ['-o', 'pid=', '--ppid', String(agent.pid)])
        .split('\n')
        .filter(Boolean);
    await waitFor('the agent to start its sleep', () => sleeper().length > 0);
    const child = Number(sleeper()[0]);

    const deposed = await run('stop dev --epoch 3');
    expect(deposed.code).toBe(77);
    expect(deposed.stderr).toContain('older than the lease epoch 4');
    expect(agent.exitCode).toBeNull();
    const other = await run('stop review --epoch 4');
    expect(JSON.parse(other.stdout)).toMatchObject({ ok: true, by: 'none', runs: [] });
    expect(agent.exitCode).toBeNull();

    const stopped = await run('stop dev --epoch 4');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ ok: true, slot: 'dev', runs: [agent.pid], by: 'SIGTERM' });
    expect(await exited).toBe('SIGTERM');
    await waitFor('the sleep it started to be gone too', () => !existsSync(`/proc/${child}/stat`) || zombie(child));
  });
});

function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}
