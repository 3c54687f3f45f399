import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * The network of the machines harness, by iproute2: a bridge in the root namespace holding the
 * gateway address, and per node a namespace joined to it by a veth pair (eth0 inside). Synchronous:
 * each call takes milliseconds, and the exit handler that tears a run down cannot wait.
 */

/** Runs `ip ARGS`; throws with ip's own message. A missing `ip` fails loudly: install iproute2. */
export function ip(...args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('`ip` not found: the machines harness needs iproute2');
    throw new Error(`ip ${args.join(' ')}: ${String(e.stderr ?? error).trim()}`);
  }
}

/** `ip` that ignores a failure: for teardown of what may already be gone. */
export function ipQuietly(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // already gone
  }
}

export function createBridge(bridge: string, gatewayCidr: string): void {
  ip('link', 'add', bridge, 'type', 'bridge');
  ip('addr', 'add', gatewayCidr, 'dev', bridge);
  ip('link', 'set', bridge, 'up');
}

/** A namespace with loopback up, and eth0 (ADDRESS/24, default route by the gateway) wired to the bridge as `hostSide`. */
export function createNodeNetwork(opts: {
  namespace: string;
  hostSide: string;
  bridge: string;
  cidr: string;
  gateway: string;
}): void {
  const { namespace, hostSide } = opts;
  ip('netns', 'add', namespace);
  ip('-n', namespace, 'link', 'set', 'lo', 'up');
  ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace);
  ip('link', 'set', hostSide, 'master', opts.bridge);
  ip('link', 'set', hostSide, 'up');
  ip('-n', namespace, 'addr', 'add', opts.cidr, 'dev', 'eth0');
  ip('-n', namespace, 'link', 'set', 'eth0', 'up');
  ip('-n', namespace, 'route', 'add', 'default', 'via', opts.gateway);
}

/** True once the bridge forwards the port's frames (the port up, and the namespace's end with carrier). */
export function portForwarding(hostSide: string): boolean {
  const state = `/sys/class/net/${hostSide}/brport/state`;
  return existsSync(state) && readFileSync(state, 'utf8').trim() === '3';
}

/** Names of links in the root namespace, and of network namespaces. */
export function linkNames(): string[] {
  return ip('-o', 'link', 'show')
    .split('\n')
    .map((l) => l.split(': ')[1]?.split('@')[0])
    .filter((n): n is string => Boolean(n));
}

export function namespaceNames(): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n): n is string => Boolean(n));
}

/** Pids of processes in a namespace (whatever joined it without its cgroup too). */
export function namespacePids(namespace: string): number[] {
  try {
    return ip('netns', 'pids', namespace).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** IPv4 addresses the root namespace holds, e.g. 10.77.3.1 */
export function rootAddresses(): string[] {
  return ip('-o', '-4', 'addr', 'show')
    .split('\n')
    .map((l) => /\sinet\s([\d.]+)\//.exec(l)?.[1])
    .filter((a): a is string => Boolean(a));
}
