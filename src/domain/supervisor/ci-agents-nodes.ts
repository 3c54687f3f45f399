// The nodes that name a Woodpecker agent in factory.yaml, each with its telemetry: the input of planCiAgents.
import type { FactoryConfig } from '../config/factory-schema.js';
import type { NodeDecision } from '../config/state-schema.js';
import { configuredSilenceMs } from '../node-silence.js';
import type { CiAgentNode } from './ci-agents.js';

type NodeEntry = FactoryConfig['nodes'][string];

/** The node's agent id, read defensively: the field is optional, and an older config may lack it. */
export function woodpeckerAgentOf(node: NodeEntry | undefined): number | undefined {
  const id = (node as { woodpeckerAgent?: unknown } | undefined)?.woodpeckerAgent;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : undefined;
}

/** The node's labels (key/value) if its config has them; string values only, as Woodpecker's are. */
export function nodeLabelsOf(node: NodeEntry | undefined): Record<string, string> | undefined {
  const labels = (node as { labels?: unknown } | undefined)?.labels;
  if (!labels || typeof labels !== 'object') return undefined;
  const out = Object.entries(labels as Record<string, unknown>).flatMap(([k, v]) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [[k, String(v)] as const] : [],
  );
  return out.length > 0 ? Object.fromEntries(out) : undefined;
}

/**
 * Every node naming an agent, with its last decision. `default` stands for every reporting node
 * that factory.yaml does not list by name, so its agent follows all of them (planCiAgents pauses
 * it when any is at level 2); with none reporting it is left as it is.
 */
export function ciAgentNodes(
  factory: Pick<FactoryConfig, 'nodes' | 'policy'>,
  decisions: readonly NodeDecision[],
): CiAgentNode[] {
  const byNode = new Map(decisions.map((d) => [d.node, d]));
  const out: CiAgentNode[] = [];
  const add = (node: string, entry: NodeEntry, agentId: number) => {
    const decision = byNode.get(node);
    const labels = nodeLabelsOf(entry);
    out.push({
      node,
      agentId,
      silenceMs: configuredSilenceMs(factory.policy, entry),
      ...(decision ? { decision } : {}),
      ...(labels ? { labels } : {}),
    });
  };
  for (const [name, entry] of Object.entries(factory.nodes)) {
    const agentId = woodpeckerAgentOf(entry);
    if (agentId === undefined) continue;
    if (name !== 'default') {
      add(name, entry, agentId);
      continue;
    }
    const unlisted = [...byNode.keys()].filter((n) => !(n in factory.nodes));
    for (const n of unlisted.length > 0 ? unlisted : ['default']) add(n, entry, agentId);
  }
  return out;
}
