// The cycle's placement I/O: watch each node's telemetry tip on the supervisor's monotonic clock,
// ask a node over SSH before calling it down; after the commit lands, kick the nodes whose slots
// changed. Deciding (and learning slots' peaks, kept in assignments.yaml) is domain/placement/.
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import { parseDuration } from '../../domain/duration.js';
import { classifyNodes, type NodeSighting } from '../../domain/placement/liveness.js';
import {
  livenessPolicy,
  placedNodes,
  placementEnabled,
  type PlacementObserved,
} from '../../domain/placement/plan-placement.js';
import { updateSightings } from '../../domain/placement/sightings.js';
import { sshAllowed, sshFailed } from '../../domain/placement/ssh-backoff.js';
import { nodeSshOptions, nodeTarget } from '../../adapters/ssh/node-ssh.js';
import { sshCall } from '../../adapters/ssh/ssh-client.js';
import type { NodeTelemetry } from '../../adapters/telemetry/read.js';
import { monoOf, type PlacementMemory, type SupervisorDeps, type SupervisorMemory } from './deps.js';
import type { Leadership } from './lease.js';

/** Liveness for planCycle; undefined when placement is off. A standby never probes. */
export async function observePlacement(
  deps: SupervisorDeps,
  memory: SupervisorMemory,
  factory: FactoryConfig,
  telemetry: readonly NodeTelemetry[],
  lead: Leadership,
): Promise<{ observed?: PlacementObserved; notes: string[] }> {
  if (!placementEnabled(factory)) return { notes: [] };
  const nowMs = monoOf(deps)();
  const mem: PlacementMemory = (memory.placement ??= {
    sightings: new Map(),
    watchingSinceMs: nowMs,
    ssh: new Map(),
  });
  if (lead.kind === 'leader') mem.leaderSinceMs ??= nowMs;
  else delete mem.leaderSinceMs;

  const names = placedNodes(factory);
  const tips = new Map(telemetry.map((t) => [t.node, t.sha]));
  mem.sightings = updateSightings(mem.sightings, new Map(names.map((n) => [n, tips.get(n)])), nowMs);
  const heartbeatMs = parseDuration(factory.telemetry.heartbeat);
  const sightings: NodeSighting[] = names.map((node) => {
    const seen = mem.sightings.get(node);
    return {
      node,
      heartbeatMs,
      canProbe: nodeTarget(factory, node) !== undefined,
      ...(seen?.changedAtMs !== undefined ? { changedAtMs: seen.changedAtMs } : {}),
    };
  });
  const clock = {
    nowMs,
    watchingSinceMs: mem.watchingSinceMs,
    ...(mem.leaderSinceMs !== undefined ? { leaderSinceMs: mem.leaderSinceMs } : {}),
  };
  const policy = livenessPolicy(factory);
  let liveness = classifyNodes(sightings, clock, policy);
  const notes: string[] = [];
  const ask = liveness.filter((l) => l.probe).map((l) => l.node);
  if (ask.length > 0 && lead.kind !== 'standby') {
    const answers = await probeNodes(deps, mem, factory, ask, notes);
    liveness = classifyNodes(
      sightings.map((s) => (answers.has(s.node) ? { ...s, probe: answers.get(s.node)! } : s)),
      clock,
      policy,
    );
  }
  return { observed: { liveness }, notes };
}

/** `status` over SSH: an answer (any exit the rpc gives) means the node is up, only its pushes fail. */
async function probeNodes(
  deps: SupervisorDeps,
  mem: PlacementMemory,
  factory: FactoryConfig,
  nodes: readonly string[],
  notes: string[],
): Promise<Map<string, 'answered' | 'no-answer'>> {
  const opts = nodeSshOptions(deps.dir, factory, deps.env);
  const mono = monoOf(deps);
  const out = new Map<string, 'answered' | 'no-answer'>();
  await Promise.all(
    nodes.map(async (node) => {
      const backoff = mem.ssh.get(node);
      if (!sshAllowed(backoff, mono())) return void out.set(node, 'no-answer');
      const answer = await sshCall(nodeTarget(factory, node)!, ['status'], opts);
      out.set(node, answer.ok ? 'answered' : 'no-answer');
      if (answer.ok) mem.ssh.delete(node);
      else {
        mem.ssh.set(node, sshFailed(backoff, answer.error, mono()));
        notes.push(`${node}: no answer over SSH to status (${answer.error})`);
      }
    }),
  );
  return out;
}

/**
 * Right after the commit lands: `sync` over SSH to each node whose slots changed, so it applies
 * now rather than at its next pull. A node without an address, or in back-off, waits for its pull.
 */
export async function kickNodes(
  deps: SupervisorDeps,
  memory: SupervisorMemory,
  factory: FactoryConfig,
  nodes: readonly string[],
): Promise<string[]> {
  const mem = memory.placement;
  if (!mem || nodes.length === 0) return [];
  const opts = nodeSshOptions(deps.dir, factory, deps.env);
  const mono = monoOf(deps);
  const notes: string[] = [];
  await Promise.all(
    nodes.map(async (node) => {
      const target = nodeTarget(factory, node);
      if (!target) return;
      const backoff = mem.ssh.get(node);
      if (!sshAllowed(backoff, mono())) {
        notes.push(`kick ${node} skipped: SSH failing (${backoff!.error}); it applies at its next pull`);
        return;
      }
      const answer = await sshCall(target, ['sync'], opts);
      if (answer.ok && answer.code === 0) {
        mem.ssh.delete(node);
        notes.push(`kicked ${node}`);
        return;
      }
      const error = answer.ok
        ? `sync exit ${answer.code}: ${answer.stderr.trim().split('\n').at(-1) ?? ''}`
        : answer.error;
      if (!answer.ok) mem.ssh.set(node, sshFailed(backoff, error, mono()));
      notes.push(`kick ${node} failed (${error}): it applies at its next pull`);
    }),
  );
  return notes.sort();
}
