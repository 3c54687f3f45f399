// Which Woodpecker agents to pause: a node at level 2 or above takes no new CI builds, since a build
// on a machine out of memory fails or pushes the node to level 3. Ensure-style: the agent's observed
// no_schedule against what the node's telemetry asks for, a PATCH only where they differ.
import type { NodeDecision } from '../config/state-schema.js';
import type { CiAgent } from '../ports/forge.js';
import { checkNodeDecision } from '../node-silence.js';

/** The level from which a node's agent takes no new builds: the one that halts review, after dev. */
export const NO_SCHEDULE_LEVEL = 2;

export interface CiAgentNode {
  node: string;
  agentId: number;
  /** the last decision on the node's telemetry branch; absent when it has none */
  decision?: NodeDecision;
  /** how long that decision holds without an update (domain/node-silence.ts) */
  silenceMs: number;
  /** the node's labels in factory.yaml, compared with the agent's own */
  labels?: Record<string, string>;
}
/** An agent as GET /agents/{id} answered: the agent, none by that id, or no answer. */
export type AgentSeen = { agent: CiAgent } | { missing: true } | { error: string };

export interface AgentPatch {
  agentId: number;
  /** the agent's current name, which the PATCH must carry (the server writes it back) */
  name: string;
  noSchedule: boolean;
  /** the journal line once the PATCH is made */
  text: string;
}
export interface CiAgentView {
  node: string;
  agentId: number;
  name?: string;
  /** as observed this cycle; absent when the agent could not be read */
  noSchedule?: boolean;
  /** what the node's telemetry asks for; absent: left as it is */
  want?: boolean;
  why: string;
}
export interface CiAgentPlan {
  patches: AgentPatch[];
  views: CiAgentView[];
  notes: string[];
}

type Want = { want: boolean; why: string } | { keep: string };

/**
 * One node's wish for its agent. No telemetry, or telemetry past its silence bound (the node may be
 * down, or only cut off), says nothing about the machine now: the agent is left as it is, so a
 * pause set at level 2 holds until a live node reports it has recovered, and a node that died
 * while healthy does not have its agent paused on a guess (an agent on a dead machine takes no
 * builds anyway; one that still runs is not short of memory as far as anyone knows).
 */
function wish(n: CiAgentNode, now: number): Want {
  if (!n.decision) return { keep: `no telemetry from ${n.node}: left as it is` };
  const check = checkNodeDecision(n.decision, now, n.silenceMs);
  if (!check.live) return { keep: `${n.node} silent since ${n.decision.updatedAt}: left as it is` };
  const { level, reason } = n.decision;
  return level >= NO_SCHEDULE_LEVEL
    ? { want: true, why: `${n.node} at level ${level} (${reason})` }
    : { want: false, why: `${n.node} at level ${level}` };
}

/** Several nodes naming one agent: any live one at level 2 pauses it; it resumes only when all are live and below. */
function combine(wants: Want[]): Want {
  const paused = wants.filter((w): w is { want: boolean; why: string } => 'want' in w && w.want);
  if (paused.length > 0) return { want: true, why: paused.map((w) => w.why).join('; ') };
  const kept = wants.find((w): w is { keep: string } => 'keep' in w);
  if (kept) return kept;
  return { want: false, why: wants.map((w) => (w as { why: string }).why).join('; ') };
}

/** As Woodpecker's filter matches a workflow label: the agent's `key` or required `!key`, its value, `*` or a comma list. */
function agentHas(agent: CiAgent, key: string, value: string): boolean {
  const theirs = agent.customLabels[key] ?? agent.customLabels[`!${key}`];
  return theirs !== undefined && theirs.split(',').some((v) => v === '*' || v === value);
}

function labelNote(n: CiAgentNode, agent: CiAgent): string | undefined {
  const missing = Object.entries(n.labels ?? {}).filter(([k, v]) => !agentHas(agent, k, v));
  if (missing.length === 0) return undefined;
  const env = missing.map(([k, v]) => `${k}=${v}`).join(',');
  return `node ${n.node}'s labels ${env} are not on its Woodpecker agent ${agent.id} (${agent.name}): the API cannot set them; start that agent with WOODPECKER_AGENT_LABELS=${env} so workflows with those labels run there`;
}

export function planCiAgents(
  nodes: readonly CiAgentNode[],
  seen: ReadonlyMap<number, AgentSeen>,
  now: number,
): CiAgentPlan {
  const plan: CiAgentPlan = { patches: [], views: [], notes: [] };
  const byAgent = new Map<number, CiAgentNode[]>();
  for (const n of nodes) byAgent.set(n.agentId, [...(byAgent.get(n.agentId) ?? []), n]);

  for (const [agentId, named] of byAgent) {
    const names = named.map((n) => n.node).join(', ');
    const s = seen.get(agentId) ?? { error: 'not read' };
    if (!('agent' in s)) {
      const why =
        'missing' in s ? `Woodpecker knows no agent ${agentId}` : `Woodpecker agent ${agentId} unreadable (${s.error})`;
      plan.notes.push(`${why}: named by ${names}; left as it is`);
      for (const n of named) plan.views.push({ node: n.node, agentId, why });
      continue;
    }
    const { agent } = s;
    for (const n of named) {
      const note = labelNote(n, agent);
      if (note) plan.notes.push(note);
    }
    const w = combine(named.map((n) => wish(n, now)));
    const base = { agentId, name: agent.name, noSchedule: agent.noSchedule };
    if ('keep' in w) {
      for (const n of named) plan.views.push({ node: n.node, ...base, why: w.keep });
      continue;
    }
    for (const n of named) plan.views.push({ node: n.node, ...base, want: w.want, why: w.why });
    if (agent.noSchedule === w.want) continue;
    plan.patches.push({
      agentId,
      name: agent.name,
      noSchedule: w.want,
      text: `Woodpecker agent ${agentId} (${agent.name}) of ${names}: ${w.want ? 'no new builds' : 'takes builds again'}: ${w.why}`,
    });
  }
  return plan;
}
