// `factoryctl logs --agent SLOT`: the tail of that slot's run log, asked of its node over the rpc
// `logs` verb (the node bounds it in lines and bytes), so raw agent output never enters Git.
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import { nodeSshOptions, nodeTarget } from './node-ssh.js';
import { sshCall } from './ssh-client.js';

export type AgentLogAnswer =
  | { ok: true; text: string }
  | { ok: false; reason: 'no-address' | 'transport' | 'refused'; error: string; code?: number };

export async function fetchAgentLog(
  dir: string,
  factory: Pick<FactoryConfig, 'nodes' | 'supervisor'>,
  env: NodeJS.ProcessEnv,
  request: { node: string; slot: string; lines: number },
): Promise<AgentLogAnswer> {
  const target = nodeTarget(factory, request.node);
  if (!target)
    return { ok: false, reason: 'no-address', error: `node ${request.node} has no ssh address in factory.yaml` };
  const answer = await sshCall(
    target,
    ['logs', request.slot, '--lines', String(request.lines)],
    nodeSshOptions(dir, factory, env),
  );
  if (!answer.ok) return { ok: false, reason: 'transport', error: answer.error };
  if (answer.code !== 0)
    return {
      ok: false,
      reason: 'refused',
      code: answer.code,
      error: answer.stderr.trim().split('\n').at(-1) || `exit ${answer.code}`,
    };
  return { ok: true, text: answer.stdout };
}
