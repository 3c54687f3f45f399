import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { runProcess, type ProcessOptions, type ProcessResult } from '../../src/adapters/process/run-process.js';
import { createNodeCgroup, ownMemoryCgroupDir, type NodeCgroup } from './machine-cgroup.js';
import { createBridge, createNodeNetwork, ip, portForwarding } from './machine-net.js';
import { claimSubnet, names, newRunId, recordRun, removeRun, sweepStaleRuns } from './machine-runs.js';
import { bannerOnce, startSshd, type SshServer } from './sshd.js';

/**
 * Several machines on one box: each node a network namespace of its own (eth0 on a private /24,
 * bridged to the root namespace, which holds the gateway address), its own memory cgroup with its
 * limit, and its own sshd on its address. Everything a node runs (`exec`, `spawn`, its sshd and
 * every child of those) is in both its namespace and its cgroup. Needs root, iproute2 and the
 * cgroup v1 memory controller, and says so loudly when one is missing.
 */

export interface NodeSpec {
  /** lower-case letters, digits and dashes */
  name: string;
  memLimitMb: number;
}

export interface Machine {
  name: string;
  namespace: string;
  /** its eth0 address, e.g. 10.77.42.11 */
  address: string;
  cgroup: NodeCgroup;
  memLimitBytes: number;
  /** its sshd, on ADDRESS:22, with the client key the supervisor uses */
  sshd: SshServer;
  /** runs a command to its end inside the node (namespace and cgroup) */
  exec(cmd: string, args: string[], opts?: ProcessOptions): Promise<ProcessResult>;
  /** starts a process inside the node; the harness kills it (and what it started) on stop */
  spawn(cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** `ssh` from the root namespace to the node's sshd with the supervisor's key; 255: transport failure */
  ssh(command: string, opts?: ProcessOptions & { connectTimeoutSec?: number }): Promise<ProcessResult>;
  /** takes the node's link down (its bridge port): nothing reaches it, it reaches nothing */
  cut(): void;
  /** brings the link back, resolving once the bridge forwards the node's frames and its sshd answers */
  relink(boundMs?: number): Promise<void>;
}

export interface Machines {
  run: string;
  /** the root namespace's address on the bridge: the nodes' gateway, where a git server listens for them */
  gateway: string;
  /** e.g. 10.77.42.0/24 */
  subnet: string;
  bridge: string;
  nodes: Machine[];
  node(name: string): Machine;
  /** kills every node's processes, deletes namespaces, veths, bridge and cgroups */
  stop(): Promise<void>;
}

export async function startMachines(opts: { nodes: NodeSpec[] }): Promise<Machines> {
  if (process.getuid?.() !== 0) throw new Error('the machines harness needs root (network namespaces, cgroups)');
  for (const n of opts.nodes)
    if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(n.name)) throw new Error(`node name ${JSON.stringify(n.name)}: a-z, 0-9, -`);
  ip('-V'); // iproute2 present, or a loud error
  const cgroupParent = ownMemoryCgroupDir(); // cgroup v1 memory present, or a loud error
  sweepStaleRuns();

  const run = newRunId();
  recordRun(run, cgroupParent);
  const teardown = () => removeRun(run, cgroupParent);
  process.once('exit', teardown); // a failed or interrupted test leaves nothing behind
  const nodes: Machine[] = [];
  let stopped = false;
  try {
    const net = claimSubnet(run);
    const gateway = `10.77.${net}.1`;
    const bridge = names.bridge(run);
    createBridge(bridge, `${gateway}/24`);
    opts.nodes.forEach((spec, index) => {
      createNodeNetwork({
        namespace: names.namespace(run, spec.name),
        hostSide: names.hostSide(run, index),
        bridge,
        cidr: `10.77.${net}.${11 + index}/24`,
        gateway,
      });
    });
    for (const [index, spec] of opts.nodes.entries())
      nodes.push(await startNode(run, spec, index, `10.77.${net}.${11 + index}`, cgroupParent));
    return {
      run,
      gateway,
      subnet: `10.77.${net}.0/24`,
      bridge,
      nodes,
      node(name) {
        const found = nodes.find((n) => n.name === name);
        if (!found) throw new Error(`no node ${name} (nodes: ${nodes.map((n) => n.name).join(', ')})`);
        return found;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await Promise.allSettled(nodes.map((n) => n.sshd.stop()));
        process.removeListener('exit', teardown);
        teardown();
      },
    };
  } catch (error) {
    await Promise.allSettled(nodes.map((n) => n.sshd.stop()));
    process.removeListener('exit', teardown);
    teardown();
    throw error;
  }
}

async function startNode(
  run: string,
  spec: NodeSpec,
  index: number,
  address: string,
  cgroupParent: string,
): Promise<Machine> {
  const namespace = names.namespace(run, spec.name);
  const hostSide = names.hostSide(run, index);
  const memLimitBytes = spec.memLimitMb * 1024 * 1024;
  const cgroup = createNodeCgroup(names.cgroup(run, spec.name), memLimitBytes, cgroupParent);
  const inside = (cmd: string, args: string[]) => insideNode(cgroup.procsFile, namespace, cmd, args);
  const spawn = (cmd: string, args: string[], o: SpawnOptions = {}) => spawnChild(...inside(cmd, args), o);
  const sshd = await startSshd({ bindAddress: address, port: 22, spawn });
  return {
    name: spec.name,
    namespace,
    address,
    cgroup,
    memLimitBytes,
    sshd,
    exec: (cmd, args, o) => runProcess(...inside(cmd, args), o),
    spawn,
    ssh: (command, o = {}) =>
      runProcess(
        sshd.sshArgs[0]!,
        [
          ...sshd.sshArgs.slice(1),
          ...['-o', `ConnectTimeout=${o.connectTimeoutSec ?? 10}`, '-p', String(sshd.port)],
          `${sshd.user}@${address}`,
          command,
        ],
        o,
      ),
    cut: () => ip('link', 'set', hostSide, 'down'),
    async relink(boundMs = 30_000) {
      ip('link', 'set', hostSide, 'up');
      const deadline = Date.now() + boundMs;
      while (!portForwarding(hostSide) || !(await bannerOnce(address, sshd.port))) {
        if (Date.now() > deadline) throw new Error(`node ${spec.name}: link not forwarding ${boundMs} ms after relink`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/**
 * The command line that runs CMD ARGS in the node: the shell joins the cgroup (its children
 * follow), then nsenter enters the namespace and execs CMD, so the pid is CMD's own. Not
 * `ip netns exec`: it remounts /sys for the namespace, which hides /sys/fs/cgroup from the node.
 */
function insideNode(procsFile: string, namespace: string, cmd: string, args: string[]): [string, string[]] {
  const enter = 'echo $$ > "$0" && ns=$1 && shift && exec nsenter "--net=/run/netns/$ns" -- "$@"';
  return ['sh', ['-c', enter, procsFile, namespace, cmd, ...args]];
}
