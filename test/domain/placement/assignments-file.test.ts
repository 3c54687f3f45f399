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
  nodes: {
    vps2: { state: 'ready', since: '2026-12-02T07:00:00Z' },
    vps1: { state: 'down', since: '2026-12-02T07:55:00Z' },
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
    expect(text).toContain('nodes:\n  vps1: { state: down, since: "2026-12-02T07:55:00Z" }\n  vps2: { state: ready');
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

describe('assignments.yaml scalars', () => {
  it.each([
    'true',
    'No',
    '123',
    'dev halted here: level 1 # hot',
    '  leading space',
    'trailing space ',
    'line\nbreak',
    'a, b [c] {d}',
    'it\'s "quoted" \\ back',
    'ünïcode → ok',
    '',
  ])('%j reads back as the same string, as a reason, an exclusion and a node name', (text) => {
    const doc: Assignments = {
      slots: {
        dev: { node: text || null, reason: text || 'r', candidates: { vps1: { excluded: text || 'x' } } },
      },
    };
    if (text && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(text)) doc.slots.dev!.node = 'vps1';
    expect(parseAssignmentsYaml(renderAssignmentsYaml(doc))).toEqual({ ok: true, value: doc });
  });

  it('a node named like a number or a keyword stays a name', () => {
    const doc: Assignments = {
      slots: { dev: { node: '123', reason: 'r', candidates: { '123': { score: -5 }, null: { score: 1.5 } } } },
    };
    expect(parseAssignmentsYaml(renderAssignmentsYaml(doc))).toEqual({ ok: true, value: doc });
  });

  it('peaks by slot read back; a file from before peaks (none) is still valid', () => {
    const doc: Assignments = { ...DOC, peaks: { review: 310, 'dev@owner/name': 1400 } };
    const text = renderAssignmentsYaml(doc);
    expect(text).toMatch(/\npeaks:\n {2}dev@owner\/name: 1400\n {2}review: 310\n$/);
    expect(parseAssignmentsYaml(text)).toEqual({ ok: true, value: doc });
    expect(parseAssignmentsYaml(renderAssignmentsYaml(DOC))).toEqual({ ok: true, value: DOC });
    expect(parseAssignmentsYaml(`${renderAssignmentsYaml(DOC)}peaks:\n  dev: -3\n`).ok).toBe(false);
  });

  it('no slots at all', () => {
    expect(parseAssignmentsYaml(renderAssignmentsYaml({ decidedAt: '2026-12-02T08:00:00Z', slots: {} }))).toEqual({
      ok: true,
      value: { decidedAt: '2026-12-02T08:00:00Z', slots: {} },
    });
  });
});
