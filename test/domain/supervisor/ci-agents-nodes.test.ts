import { describe, expect, it } from 'vitest';
import type { FactoryConfig } from '../../../src/domain/config/factory-schema.js';
import type { NodeDecision } from '../../../src/domain/config/state-schema.js';
import { ciAgentNodes } from '../../../src/domain/supervisor/ci-agents-nodes.js';

const at = '2026-03-02T08:00:00.000Z';
type Nodes = Record<string, { roles: string[]; woodpeckerAgent?: number; policy?: { sampleInterval: string } }>;
const config = (nodes: Nodes) =>
  ({ nodes, policy: { sampleInterval: '5s' } }) as unknown as Pick<FactoryConfig, 'nodes' | 'policy'>;
const d = (node: string, level: number): NodeDecision => ({
  node,
  level,
  halted: [],
  reason: 'r',
  since: at,
  updatedAt: at,
});

describe('ciAgentNodes: the nodes that name a Woodpecker agent', () => {
  it("pairs each named node with its telemetry; default's agent follows every node not listed by name", () => {
    const factory = config({
      default: { roles: ['dev'], woodpeckerAgent: 3 },
      big: { roles: ['dev'], woodpeckerAgent: 1, policy: { sampleInterval: '1m' } },
      plain: { roles: ['dev'] },
    });
    const nodes = ciAgentNodes(factory, [d('big', 0), d('plain', 2), d('vps-a', 2), d('vps-b', 0)]);
    expect(nodes.map((n) => [n.node, n.agentId, n.decision?.level, n.silenceMs])).toEqual([
      ['vps-a', 3, 2, 120_000],
      ['vps-b', 3, 0, 120_000],
      ['big', 1, 0, 600_000],
    ]);
  });

  it('with no unlisted node reporting, default stands alone and has no telemetry', () => {
    const factory = config({ default: { roles: [], woodpeckerAgent: 2 } });
    expect(ciAgentNodes(factory, [])).toMatchObject([{ node: 'default', agentId: 2 }]);
    expect(ciAgentNodes(factory, [])[0]).not.toHaveProperty('decision');
  });
});
