import { describe, expect, it } from 'vitest';
import { assignmentsView } from '../../src/domain/placement/assignments-view.js';
import type { NodeView } from '../../src/domain/placement/nodes-view.js';
import { assignmentsSummary, mib, renderAssignments, renderNodes } from '../../src/commands/placement-text.js';

describe('placement text: 80 columns', () => {
  it.each([
    [900, '900M'],
    [1023.6, '1.0G'],
    [-300, '-300M'],
    [6200, '6.1G'],
  ])('mib(%s) is %s', (mb, text) => {
    expect(mib(mb)).toBe(text);
  });

  const scores = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`node-${i}`, { score: 100 * i }]));
  const view = assignmentsView({
    slots: {
      [`dev@${'long-owner-name'}/${'a-repository-with-a-long-name'}`]: {
        node: 'node-5',
        reason: 'most headroom after placement, and it already runs the slot (stickiness margin 256 MiB)',
        candidates: { ...scores, gone: { excluded: 'down' } },
      },
    },
  });

  it('the best three candidates, how many more, how many excluded; long lines cut with an ellipsis', () => {
    const lines = renderAssignments(view, 80, 3).split('\n');
    expect(lines[2]).toBe('  best: node-5 500M, node-4 400M, node-3 300M (+3 more); 1 excluded');
    expect(lines[1]).toHaveLength(80);
    expect(lines[1]!.endsWith('…')).toBe(true);
    expect(assignmentsSummary(view)).toBe('1 slot on 1 node, 0 waiting');
  });

  it('a node never heard from shows dashes, and "never"', () => {
    const n: NodeView = { node: 'vps3', state: 'unknown', level1Mb: 2000, halted: [], slots: [] };
    expect(renderNodes([n], 80, false).split('\n')[1]).toMatch(/^vps3 +unknown +never +- +- +- +- +0$/);
    expect(renderNodes([], 80, true)).toContain('no nodes');
  });

  it('says whether a node reaches its forges, as its own probe found', () => {
    const base: NodeView = { node: 'vps2', state: 'ready', level1Mb: 2000, halted: [], slots: [] };
    const down = {
      ok: false,
      since: '2026-12-03T08:00:00.000Z',
      error: 'https://codeberg.org: network error: ETIMEDOUT',
    };
    expect(renderNodes([{ ...base, forge: down }], 120, true)).toContain(
      'forge unreachable since 2026-12-03T08:00:00.000Z: https://codeberg.org: network error: ETIMEDOUT',
    );
    expect(renderNodes([{ ...base, forge: { ok: true, since: down.since } }], 120, true)).toContain(
      'reaches its forges',
    );
    expect(renderNodes([base], 120, true)).not.toContain('forge');
  });
});
