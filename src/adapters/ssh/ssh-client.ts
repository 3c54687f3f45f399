// The supervisor's SSH to its nodes: one multiplexed connection per node (a ControlMaster at a %C
// path in the private dir), keep-alives and a connect bound, so a kick costs a round trip, not a
// handshake. Exit 255 is ssh's own failure (transport, auth, host key): never the verb's answer.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../process/run-process.js';

export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
}

export interface SshClientOptions {
  /** Where the control sockets live (ssh names each by %C, a hash of host, port and user). */
  controlDir: string;
  identityFile?: string;
  knownHostsFile?: string;
  connectTimeoutMs: number;
  /** The master closes after this long unused. */
  persistMs?: number;
}

export type SshAnswer =
  { ok: true; code: number; stdout: string; stderr: string } | { ok: false; transport: true; error: string };

export function sshBaseArgs(target: SshTarget, o: SshClientOptions): string[] {
  const seconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));
  return [
    ...(target.port ? ['-p', String(target.port)] : []),
    ...(o.identityFile ? ['-i', o.identityFile, '-o', 'IdentitiesOnly=yes'] : []),
    ...(o.knownHostsFile ? ['-o', `UserKnownHostsFile=${o.knownHostsFile}`] : []),
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    `ConnectTimeout=${seconds(o.connectTimeoutMs)}`,
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=2',
    '-o',
    `ControlPath=${join(o.controlDir, '%C')}`,
    '-T',
  ];
}

const destination = (t: SshTarget) => (t.user ? `${t.user}@${t.host}` : t.host);

/**
 * Opens the node's master connection unless one is up. Started with -f and no pipes of ours:
 * a master forked by ControlPersist from a call with captured output would hold that output
 * open, and the call would never end.
 */
export async function ensureMaster(target: SshTarget, o: SshClientOptions): Promise<SshAnswer | undefined> {
  mkdirSync(o.controlDir, { recursive: true, mode: 0o700 });
  const base = sshBaseArgs(target, o);
  const check = await runProcess('ssh', [...base, '-O', 'check', destination(target)], {
    timeoutMs: o.connectTimeoutMs,
  });
  if (check.code === 0) return undefined;
  const persist = `${Math.ceil((o.persistMs ?? 300_000) / 1000)}s`;
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      'ssh',
      [...base, '-o', 'ControlMaster=yes', '-o', `ControlPersist=${persist}`, '-f', '-N', destination(target)],
      { stdio: 'ignore' },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), o.connectTimeoutMs * 2);
    child.on('error', () => resolve(127));
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c ?? 255);
    });
  });
  return code === 0 ? undefined : { ok: false, transport: true, error: `ssh to ${destination(target)}: exit ${code}` };
}

/** Runs one rpc over the node's master (opened first if needed); the node's forced command reads the words. */
export async function sshCall(
  target: SshTarget,
  words: readonly string[],
  o: SshClientOptions & { timeoutMs: number },
): Promise<SshAnswer> {
  const opened = await ensureMaster(target, o);
  if (opened) return opened;
  const r = await runProcess(
    'ssh',
    [...sshBaseArgs(target, o), '-o', 'ControlMaster=no', destination(target), '--', ...words],
    { timeoutMs: o.timeoutMs },
  );
  if (r.code === 255 || r.timedOut || r.spawnError)
    return {
      ok: false,
      transport: true,
      error: r.timedOut ? `no answer within ${o.timeoutMs} ms` : r.stderr.trim().split('\n').at(-1) || `exit ${r.code}`,
    };
  return { ok: true, code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Closes the node's master (on shutdown). */
export async function closeMaster(target: SshTarget, o: SshClientOptions): Promise<void> {
  await runProcess('ssh', [...sshBaseArgs(target, o), '-O', 'exit', destination(target)], { timeoutMs: 5_000 });
}
