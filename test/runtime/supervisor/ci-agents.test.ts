import { describe, expect, it } from 'vitest';
import type { NodeDecision } from '../../../src/domain/config/state-schema.js';
import type { CiAgent, CiClient } from '../../../src/domain/ports/forge.js';
import { ensureCiAgents } from '../../../src/runtime/supervisor/ci-agents.js';

const NOW = Date.parse('2026-03-02T08:00:00Z');
const level2: NodeDecision = {
  node: 'small',
  level: 2,
  halted: ['dev', 'review'],
  reason: 'memory low',
  since: new Date(NOW - 60_000).toISOString(),
  updatedAt: new Date(NOW - 5_000).toISOString(),
};

function fakeCi(agent: CiAgent) {
  const sent: unknown[] = [];
  const client = {
    getAgent: async (id: number) => (id === agent.id ? { ...agent } : undefined),
    patchAgent: async (_id: number, to: { name: string; noSchedule: boolean }) => {
      sent.push(to);
      return { ...agent, ...to };
    },
  } as unknown as CiClient;
  return { client, sent };
}
const read = (kind: 'leader' | 'standby' | 'solo', client: CiClient, ci = 1) =>
  ({
    factory: {
      nodes: { small: { roles: ['dev'], woodpeckerAgent: 7 } },
      policy: { sampleInterval: '5s' },
    },
    observed: { nodes: [level2], repos: [], targets: {} },
    clients: {
      onlyCi: () =>
        ci === 1 ? { client, server: 'wp' } : { skipped: `factory.yaml has ${ci} CI servers: name the repository` },
    },
    lead: { kind },
    now: NOW,
  }) as unknown as Parameters<typeof ensureCiAgents>[0];

describe('ensureCiAgents: the cycle step that applies the plan', () => {
  const agent: CiAgent = { id: 7, name: 'runner-small', noSchedule: false, customLabels: {} };

  it('a leader (or a solo supervisor) PATCHes and reports the change for the journal', async () => {
    for (const kind of ['leader', 'solo'] as const) {
      const ci = fakeCi(agent);
      const step = await ensureCiAgents(read(kind, ci.client));
      expect(ci.sent).toEqual([{ name: 'runner-small', noSchedule: true }]);
      expect(step.changes).toEqual([expect.stringContaining('no new builds: small at level 2 (memory low)')]);
      expect(step.views).toEqual([expect.objectContaining({ node: 'small', noSchedule: true, want: true })]);
    }
  });

  it('a standby sends nothing and says what it would send', async () => {
    const ci = fakeCi(agent);
    const step = await ensureCiAgents(read('standby', ci.client));
    expect(ci.sent).toEqual([]);
    expect(step.changes).toEqual([]);
    expect(step.notes).toEqual([expect.stringMatching(/^standby: would PATCH Woodpecker agent 7/)]);
  });

  it('with several CI servers it cannot tell which one the agent is on: a note, no request', async () => {
    const ci = fakeCi(agent);
    const step = await ensureCiAgents(read('leader', ci.client, 2));
    expect(ci.sent).toEqual([]);
    expect(step.notes).toEqual([
      'Woodpecker agents left as they are: factory.yaml has 2 CI servers: name the repository',
    ]);
  });
});
