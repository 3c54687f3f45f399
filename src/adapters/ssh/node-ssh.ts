// How the supervisor reaches a node over SSH, from factory.yaml: the node's address and the
// supervisor's key, known hosts and time bounds; the control sockets live in the clone's private dir.
import { join } from 'node:path';
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import { parseSshAddress } from '../../domain/config/ssh-address.js';
import { parseDuration } from '../../domain/duration.js';
import { expandPath } from '../../domain/repos/env-file.js';
import { privateDir } from '../control-repo/private-dir.js';
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
    controlDir: join(privateDir(dir), 'ssh'),
    connectTimeoutMs: parseDuration(s.connectTimeout),
    timeoutMs: parseDuration(s.callTimeout),
    ...(identityFile ? { identityFile } : {}),
    ...(knownHostsFile ? { knownHostsFile } : {}),
  };
}
