// The cycle's Woodpecker-agent step: read each named agent, plan (domain/supervisor/ci-agents.ts),
// PATCH where the agent differs. It runs before the commit so the journal records what was done.
import { ciAgentNodes } from '../../domain/supervisor/ci-agents-nodes.js';
import { planCiAgents, type AgentSeen, type CiAgentView } from '../../domain/supervisor/ci-agents.js';
import { isNotFound } from '../../adapters/http/errors.js';
import type { CycleRead } from './cycle-read.js';

export interface CiAgentsStep {
  /** the changes made, one journal line each */
  changes: string[];
  notes: string[];
  /** each named agent as it stands after the step, for `status --json` */
  views: CiAgentView[];
}

const NONE: CiAgentsStep = { changes: [], notes: [], views: [] };

/**
 * A standby only says what it would do. A leader whose lease lapses between its read and these
 * PATCHes may still send them: no fence is needed, since every leader derives the same agent
 * state from the same telemetry and the next one re-checks it each cycle.
 */
export async function ensureCiAgents(read: Pick<CycleRead, 'factory' | 'observed' | 'clients' | 'lead' | 'now'>) {
  const nodes = ciAgentNodes(read.factory, read.observed.nodes);
  if (nodes.length === 0) return NONE;
  const ci = read.clients.onlyCi();
  if ('skipped' in ci) return { ...NONE, notes: [`Woodpecker agents left as they are: ${ci.skipped}`] };
  const ids = [...new Set(nodes.map((n) => n.agentId))];
  const seen = new Map<number, AgentSeen>(
    await Promise.all(
      ids.map(async (id): Promise<[number, AgentSeen]> => {
        try {
          const agent = await ci.client.getAgent(id);
          return [id, agent ? { agent } : { missing: true }];
        } catch (e) {
          return [id, { error: isNotFound(e) ? 'not found' : (e as Error).message }];
        }
      }),
    ),
  );
  const plan = planCiAgents(nodes, seen, read.now);
  const step: CiAgentsStep = { changes: [], notes: [...plan.notes], views: plan.views };
  if (read.lead.kind === 'standby') {
    step.notes.push(...plan.patches.map((p) => `standby: would PATCH ${p.text}`));
    return step;
  }
  for (const p of plan.patches) {
    try {
      const after = await ci.client.patchAgent(p.agentId, { name: p.name, noSchedule: p.noSchedule });
      if (after.noSchedule !== p.noSchedule) throw new Error(`the server answered no_schedule ${after.noSchedule}`);
      step.changes.push(p.text);
      for (const v of step.views) if (v.agentId === p.agentId) v.noSchedule = after.noSchedule;
    } catch (e) {
      step.notes.push(`could not PATCH Woodpecker agent ${p.agentId} (${(e as Error).message}): retried next cycle`);
    }
  }
  return step;
}
