// A factory on several machines (test/support/machines.ts): the control repo on a git server every
// namespace reaches, a clone per machine, the supervisor's key installed as each node's forced
// `node rpc` command, and helpers to run factoryctl inside a machine and to read main on the server.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runProcess, type ProcessResult } from '../../src/adapters/process/run-process.js';
import { BIN } from './cli.js';
import { makeControlRepo, type ControlRepoFixture } from './control-repo.js';
import { startGitServer, type GitServer } from './git-server.js';
import { startMachines, type Machine, type Machines, type NodeSpec } from './machines.js';

export interface FactoryMachines {
  machines: Machines;
  server: GitServer;
  repo: ControlRepoFixture;
  /** the supervisor's private key, installed on every node as the forced `node rpc` command */
  supervisorKey: string;
  knownHosts: string;
  /** each machine's clone of the control repo; `<node>-sup` is the clone its supervisor works in */
  clone(name: string): string;
  /** the environment factoryctl runs with on that machine */
  env(node: string): NodeJS.ProcessEnv;
  /** runs factoryctl inside the machine, in its clone (or the one named) */
  run(node: string, args: string[], opts?: { timeoutMs?: number; clone?: string }): Promise<ProcessResult>;
  /** starts factoryctl (a daemon) inside the machine, in its clone (or the one named), its output kept */
  start(node: string, args: string[], clone?: string): Daemon;
  /** a file of main as the git server holds it now; undefined when absent */
  mainFile(path: string): Promise<string | undefined>;
  /** a file of another branch on the server (control/lease, telemetry/<node>) */
  branchFile(branch: string, path: string): Promise<string | undefined>;
  /** a file of the node's telemetry branch on the server */
  telemetryFile(node: string, path: string): Promise<string | undefined>;
  /** main's factory-state/assignments.yaml, parsed */
  assignments(): Promise<AssignmentsSeen>;
  stop(): Promise<void>;
}

export interface AssignmentsSeen {
  epoch?: number;
  slots: Record<string, { node: string | null; halted?: boolean; reason: string }>;
  nodes?: Record<string, { state: string; since: string }>;
}

export interface Daemon {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Machines named as the specs, each with a clone; `factoryYaml(addresses)` gets each node's address. */
export async function startFactoryMachines(
  specs: NodeSpec[],
  factoryYaml: (f: {
    address: Record<string, string>;
    sshUser: string;
    supervisorKey: string;
    knownHosts: string;
  }) => string,
): Promise<FactoryMachines> {
  const keys = mkdtempSync(join(tmpdir(), 'factoryctl-keys-'));
  const supervisorKey = join(keys, 'supervisor');
  const knownHosts = join(keys, 'known_hosts');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'supervisor', '-f', supervisorKey]);
  const machines = await startMachines({ nodes: specs });
  let server: GitServer | undefined;
  let repo: ControlRepoFixture | undefined;
  try {
    const address = Object.fromEntries(machines.nodes.map((m) => [m.name, m.address]));
    const sshUser = machines.nodes[0]!.sshd.user;
    repo = makeControlRepo({ factoryYaml: factoryYaml({ address, sshUser, supervisorKey, knownHosts }) });
    server = await startGitServer(repo.srv, { host: machines.gateway });
    const url = `${server.urlAt(machines.gateway)}control.git`;
    const clones = new Map<string, string>();
    // A node daemon and a supervisor on one machine each have their own clone: two writers of one
    // clone's refs (a telemetry push, a pull of every branch) would race for its ref locks.
    for (const m of machines.nodes)
      for (const name of [m.name, `${m.name}-sup`]) clones.set(name, await repo.clone(name, url));
    clones.set('admin', await repo.clone('admin', url)); // a human's, in the root namespace
    const env = (node: string): NodeJS.ProcessEnv => ({
      FACTORY_NODE: node,
      FACTORY_RUN_DIR: join(repo!.root, `run-${node}`),
      FACTORY_STATE_DIR: join(repo!.root, `state-${node}`),
    });
    const inside = (node: string): Machine => machines.node(node);
    const fm: FactoryMachines = {
      machines,
      server,
      repo,
      supervisorKey,
      knownHosts,
      clone: (node) => clones.get(node)!,
      env,
      run: (node, args, opts = {}) =>
        inside(node).exec(process.execPath, [BIN, ...args], {
          cwd: clones.get(opts.clone ?? node)!,
          env: env(node),
          timeoutMs: opts.timeoutMs ?? 60_000,
        }),
      start(node, args, clone = node) {
        const child = inside(node).spawn(process.execPath, [BIN, ...args], {
          cwd: clones.get(clone)!,
          env: { ...process.env, ...env(node) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        return { child, output: () => out, exited };
      },
      mainFile: (path) => fm.branchFile('main', path),
      // Never a synchronous child process here: the git server runs in this process's event loop.
      async branchFile(branch, path) {
        const r = await runProcess('git', ['--git-dir', repo!.bare, 'show', `${branch}:${path}`]);
        return r.code === 0 ? r.stdout : undefined;
      },
      telemetryFile: (node, path) => fm.branchFile(`telemetry/${node}`, path),
      async assignments() {
        const text = await fm.mainFile('factory-state/assignments.yaml');
        return (text ? (parse(text) as AssignmentsSeen | null) : null) ?? { slots: {} };
      },
      async stop() {
        await server?.close();
        await machines.stop();
        repo?.cleanup();
        rmSync(keys, { recursive: true, force: true });
      },
    };
    // The supervisor's key on every node, from the bridge's subnet only, as `node install --ssh-key` writes it.
    for (const m of machines.nodes) {
      const installed = await fm.run(m.name, [
        'node',
        'install',
        '--ssh-key',
        `${supervisorKey}.pub`,
        '--from',
        machines.subnet,
        '--write',
        '--path',
        m.sshd.authorizedKeys,
      ]);
      if (installed.code !== 0) throw new Error(`node install --ssh-key on ${m.name}: ${installed.stderr}`);
    }
    return fm;
  } catch (error) {
    await server?.close();
    await machines.stop();
    repo?.cleanup();
    rmSync(keys, { recursive: true, force: true });
    throw error;
  }
}

/** A commit on main as the git server holds it: author and subject, newest first. */
export async function mainLog(bare: string, max = 200): Promise<{ sha: string; author: string; subject: string }[]> {
  const out = (await runProcess('git', ['--git-dir', bare, 'log', `-${max}`, '--format=%H%x09%an%x09%s', 'main']))
    .stdout;
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [sha, author, subject] = l.split('\t');
      return { sha: sha!, author: author!, subject: subject ?? '' };
    });
}

/** The rpc requests a node's forced command got, as its journal in the clone records them. */
export function rpcJournal(clone: string): { request: string; outcome: string; from?: string }[] {
  try {
    return readFileSync(join(clone, '.git', 'factoryctl', 'rpc-journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { request: string; outcome: string; from?: string });
  } catch {
    return [];
  }
}
