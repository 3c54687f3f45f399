// How the supervisor reaches a node over SSH, from factory.yaml: the node's address and the
// supervisor's key, known hosts and time bounds; the control sockets live in the clone's private dir.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import { parseSshAddress } from '../../domain/config/ssh-address.js';
import { parseDuration } from '../../domain/duration.js';
import { expandPath } from '../../domain/repos/env-file.js';
import type { SshClientOptions, SshTarget } from './ssh-client.js';

export type NodeSshOptions = SshClientOptions & { timeoutMs: number };

/** The node's SSH address, or undefined when it has none (it only pulls). */
export function nodeTarget(factory: Pick<FactoryConfig, 'nodes'>, node: string): SshTarget | undefined {
  const text = factory.nodes[node]?.ssh;
  return text === undefined ? undefined : parseSshAddress(text);
}

export function nodeSshOptions(
  dir: string,
  factory: Pick<FactoryConfig, 'supervisor'>,
  env: NodeJS.ProcessEnv,
): NodeSshOptions {
  const s = factory.supervisor.ssh;
  const file = (p: string | undefined) => (p === undefined ? undefined : expandPath(p, env));
  const identityFile = file(s.identityFile);
  const knownHostsFile = file(s.knownHostsFile);
  return {
    controlDir: controlDirFor(dir),
    connectTimeoutMs: parseDuration(s.connectTimeout),
    timeoutMs: parseDuration(s.callTimeout),
    ...(identityFile ? { identityFile } : {}),
    ...(knownHostsFile ? { knownHostsFile } : {}),
  };
}

/**
 * Where the clone's master sockets live. Not in the clone: a socket path has 108 bytes, and ssh
 * binds a temporary name 17 bytes longer than ControlPath, so `<clone>/.git/factoryctl/ssh/%C`
 * fails ("exit 255") for any clone below a few folders. One short folder per clone and user.
 */
export function controlDirFor(dir: string): string {
  const uid = process.getuid?.() ?? 0;
  return join(tmpdir(), `factoryctl-ssh-${uid}`, createHash('sha256').update(dir).digest('hex').slice(0, 10));
}
