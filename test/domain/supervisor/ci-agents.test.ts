import { describe, expect, it } from 'vitest';
import type { NodeDecision } from '../../../src/domain/config/state-schema.js';
import type { CiAgent } from '../../../src/domain/ports/forge.js';
import { planCiAgents, type AgentSeen, type CiAgentNode } from '../../../src/domain/supervisor/ci-agents.js';

const NOW = Date.parse('2026-03-02T08:00:00Z');
const SILENCE = 120_000;
const decision = (level: number, ageMs = 5_000, reason = level > 0 ? 'memory low' : 'no pressure'): NodeDecision => ({
  node: 'small',
  level,
  halted: level >= 1 ? ['dev'] : [],
  reason,
  since: new Date(NOW - 3_600_000).toISOString(),
  updatedAt: new Date(NOW - ageMs).toISOString(),
});
const agent = (noSchedule: boolean, labels: Record<string, string> = {}): CiAgent => ({
  id: 7,
  name: 'runner-small',
  noSchedule,
  customLabels: labels,
});
const node = (d: NodeDecision | undefined, extra: Partial<CiAgentNode> = {}): CiAgentNode => ({
  node: 'small',
  agentId: 7,
  silenceMs: SILENCE,
  ...(d ? { decision: d } : {}),
  ...extra,
});
const seen = (s: AgentSeen) => new Map([[7, s]]);

describe('planCiAgents: the PATCHes that make each agent match its node', () => {
  it.each<[string, NodeDecision | undefined, boolean, boolean | undefined]>([
    // what, the node's decision, the agent's no_schedule now, the PATCH expected (undefined: none)
    ['level 2: paused', decision(2), false, true],
    ['level 3: paused', decision(3), false, true],
    ['level 2, already paused: nothing to send', decision(2), true, undefined],
    ['level 1 (dev halted, CI still fine): not paused', decision(1), false, undefined],
    ['back at level 1: resumed', decision(1), true, false],
    ['back at level 0: resumed', decision(0), true, false],
    ['level 0, taking builds: nothing to send', decision(0), false, undefined],
    ['no telemetry never clears a pause', undefined, true, undefined],
    ['no telemetry never sets one either', undefined, false, undefined],
    ['a silent node (maybe down) keeps its pause', decision(0, SILENCE + 1), true, undefined],
    ['a silent node at level 2 is not paused on an old word', decision(2, SILENCE + 1), false, undefined],
  ])('%s', (_what, d, noSchedule, expected) => {
    const plan = planCiAgents([node(d)], seen({ agent: agent(noSchedule) }), NOW);
    expect(plan.patches.map((p) => p.noSchedule)).toEqual(expected === undefined ? [] : [expected]);
    expect(plan.views).toEqual([expect.objectContaining({ node: 'small', agentId: 7, noSchedule })]);
  });

  it('carries the agent name in the PATCH and says why in the journal line', () => {
    const plan = planCiAgents([node(decision(2))], seen({ agent: agent(false) }), NOW);
    expect(plan.patches).toEqual([
      {
        agentId: 7,
        name: 'runner-small',
        noSchedule: true,
        text: 'Woodpecker agent 7 (runner-small) of small: no new builds: small at level 2 (memory low)',
      },
    ]);
    const back = planCiAgents([node(decision(0))], seen({ agent: agent(true) }), NOW);
    expect(back.patches[0]!.text).toBe(
      'Woodpecker agent 7 (runner-small) of small: takes builds again: small at level 0',
    );
  });

  it.each<[string, AgentSeen, RegExp]>([
    [
      'an agent the server does not know',
      { missing: true },
      /Woodpecker knows no agent 7: named by small; left as it is/,
    ],
    ['an unreadable agent', { error: 'HTTP 500' }, /Woodpecker agent 7 unreadable \(HTTP 500\)/],
  ])('sends nothing for %s and says so', (_what, s, note) => {
    const plan = planCiAgents([node(decision(2))], seen(s), NOW);
    expect(plan.patches).toEqual([]);
    expect(plan.notes.join('\n')).toMatch(note);
    expect(plan.views).toEqual([expect.not.objectContaining({ noSchedule: expect.anything() })]);
  });

  it('one agent named by two nodes: paused while either is at level 2, resumed only when both are live and below', () => {
    const two = (a: NodeDecision | undefined, b: NodeDecision | undefined, noSchedule: boolean) =>
      planCiAgents(
        [node(a, { node: 'a' }), node(b, { node: 'b' })],
        seen({ agent: agent(noSchedule) }),
        NOW,
      ).patches.map((p) => p.noSchedule);
    expect(two(decision(0), decision(2), false)).toEqual([true]);
    expect(two(decision(0), decision(0), true)).toEqual([false]);
    expect(two(decision(0), undefined, true)).toEqual([]);
    expect(two(decision(2), undefined, false)).toEqual([true]);
  });

  it("notes a node's labels its agent does not report, with the WOODPECKER_AGENT_LABELS that would fix it", () => {
    const labels = { mem: 'large', disk: 'ssd' };
    const off = planCiAgents([node(decision(0), { labels })], seen({ agent: agent(false, { disk: 'ssd' }) }), NOW);
    expect(off.notes).toEqual([expect.stringContaining('start that agent with WOODPECKER_AGENT_LABELS=mem=large')]);
    for (const theirs of [labels, { '!mem': 'large', disk: '*' }, { mem: 'small,large', disk: 'ssd' }]) {
      const on = planCiAgents([node(decision(0), { labels })], seen({ agent: agent(false, theirs) }), NOW);
      expect(on.notes).toEqual([]);
    }
  });
});
