import { describe, expect, it } from 'vitest';
import { CONTROL_PATHS } from '../../../src/domain/control-paths.js';
import {
  NO_ASSIGNMENTS,
  parseAssignmentsYaml,
  renderAssignmentsYaml,
  type Assignments,
} from '../../../src/domain/placement/assignments-file.js';

const DOC: Assignments = {
  decidedAt: '2026-12-02T08:00:00Z',
  epoch: 7,
  slots: {
    'dev@owner/name': {
      node: 'vps2',
      reason: 'most headroom after placement (1830 MiB free): vps1 1200',
      candidates: { vps3: { excluded: 'down: no telemetry for 12m' }, vps1: { score: 1200 }, vps2: { score: 1830 } },
    },
    review: { node: null, halted: true, reason: 'no node qualifies: vps1 down', candidates: {} },
  },
};

describe('assignments.yaml', () => {
  it('missing or blank is no assignment', () => {
    expect(parseAssignmentsYaml(undefined)).toEqual({ ok: true, value: NO_ASSIGNMENTS });
    expect(parseAssignmentsYaml('\n')).toEqual({ ok: true, value: NO_ASSIGNMENTS });
  });

  it('round trips, and reads as the issue shows it: one line per candidate, sorted by name', () => {
    const text = renderAssignmentsYaml(DOC);
    expect(parseAssignmentsYaml(text)).toEqual({ ok: true, value: DOC });
    expect(text).toContain(
      [
        '  dev@owner/name:',
        '    node: vps2',
        '    reason: "most headroom after placement (1830 MiB free): vps1 1200"',
        '    candidates:',
        '      vps1: { score: 1200 }',
        '      vps2: { score: 1830 }',
        '      vps3: { excluded: "down: no telemetry for 12m" }',
      ].join('\n'),
    );
    expect(text).toContain('  review:\n    node: null\n    halted: true\n');
    expect(text.indexOf('dev@owner/name')).toBeLessThan(text.indexOf('review:'));
  });

  it('the same placement gives the same bytes, whatever order it was built in', () => {
    const shuffled: Assignments = {
      ...DOC,
      slots: Object.fromEntries(Object.entries(DOC.slots).reverse()),
    };
    expect(renderAssignmentsYaml(shuffled)).toBe(renderAssignmentsYaml(DOC));
  });

  it.each([
    [
      'a candidate with both a score and an exclusion',
      'slots:\n  dev:\n    node: a\n    reason: r\n    candidates:\n      a: { score: 1, excluded: x }\n',
      'slots.dev.candidates.a',
    ],
    ['a slot that is not ROLE or ROLE@OWNER/NAME', 'slots:\n  Dev@x:\n    node: a\n    reason: r\n', 'slots.Dev@x'],
    ['a slot without a reason', 'slots:\n  dev:\n    node: a\n', 'slots.dev.reason'],
  ])('%s is a located error', (_, text, field) => {
    const parsed = parseAssignmentsYaml(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ file: CONTROL_PATHS.assignments, field, severity: 'error' })]),
    );
  });
});
