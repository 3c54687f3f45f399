import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseViewPart } from '../../../src/adapters/control-repo/view-parse.js';
import { renderAssignmentsYaml, type Assignments } from '../../../src/domain/placement/assignments-file.js';
import { scanAssignedSlots } from '../../../src/domain/placement/assignments-scan.js';

/** What the gate gets from a full parse: the reference the scan must match. */
function fullParse(text: string) {
  const parsed = parseViewPart('assignments', text);
  if (!parsed.ok) throw new Error(`the writer's output does not parse: ${JSON.stringify(parsed.problems)}`);
  return parsed.value;
}

// Strings the writer must quote, or that look like the scan's own separators.
const tricky = fc.constantFrom(
  'null',
  'No',
  'true',
  '1200',
  'a: b',
  '#hash',
  'x, since: y',
  'ends }',
  '"quoted"',
  'back\\slash',
  'line\nbreak',
  ' lead',
  'tab\there',
  'é ü 漢',
  '{ score: 1 }',
);
const text = fc.oneof(fc.string({ minLength: 1, maxLength: 30, unit: 'binary' }), tricky);
const nodeName = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,12}$/),
  fc.constantFrom('null', 'yes', '123', 'n', 'Off'),
);
const slotIdArb = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/),
    fc.option(fc.stringMatching(/^[A-Za-z0-9_.-]{1,6}\/[A-Za-z0-9_.-]{1,6}$/), { nil: undefined }),
  )
  .map(([role, repo]) => (repo === undefined ? role : `${role}@${repo}`));
const iso = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const candidate = fc.oneof(
  fc.record({
    score: fc.oneof(fc.integer({ min: -100_000, max: 100_000 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
  }),
  fc.record({ excluded: text }),
);
const slot = fc.record(
  {
    node: fc.option(nodeName, { nil: null }),
    halted: fc.constant(true),
    reason: text,
    handoff: fc.record({ from: nodeName, since: iso }),
    candidates: fc.dictionary(nodeName, candidate, { maxKeys: 5 }),
  },
  { requiredKeys: ['node', 'reason', 'candidates'] },
);
const doc: fc.Arbitrary<Assignments> = fc.record(
  {
    decidedAt: iso,
    epoch: fc.nat(),
    slots: fc.dictionary(slotIdArb, slot, { maxKeys: 6 }),
    nodes: fc.dictionary(nodeName, fc.record({ state: fc.constantFrom('ready', 'suspect', 'down'), since: iso }), {
      maxKeys: 3,
    }),
    peaks: fc.dictionary(slotIdArb, fc.integer({ min: 1, max: 1 << 20 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['slots'] },
);

const WRITTEN = renderAssignmentsYaml({
  decidedAt: '2026-12-02T08:00:00Z',
  epoch: 3,
  slots: {
    'dev@o/a': {
      node: 'vps2',
      reason: 'most headroom after placement',
      handoff: { from: 'vps1', since: '2026-12-02T08:00:00Z' },
      candidates: { vps1: { score: 1200 }, vps2: { score: 1830 } },
    },
    review: { node: null, halted: true, reason: 'no node qualifies: vps1 down', candidates: {} },
  },
  nodes: { vps1: { state: 'down', since: '2026-12-02T07:55:00Z' } },
  peaks: { 'dev@o/a': 1400 },
});

describe("the gate's line scan of assignments.yaml", () => {
  it('reads what a full parse reads, on anything the writer writes', () => {
    fc.assert(
      fc.property(doc, (d) => {
        const written = renderAssignmentsYaml(d);
        expect(scanAssignedSlots(written)).toEqual(fullParse(written));
      }),
      { numRuns: 500 },
    );
  });

  it('reads the example as the full parse does', () => {
    expect(scanAssignedSlots(WRITTEN)).toEqual({
      decidedAt: '2026-12-02T08:00:00Z',
      slots: {
        'dev@o/a': { node: 'vps2', reason: 'most headroom after placement', handoff: { from: 'vps1' } },
        review: { node: null, halted: true, reason: 'no node qualifies: vps1 down' },
      },
    });
    expect(scanAssignedSlots(WRITTEN)).toEqual(fullParse(WRITTEN));
  });

  it.each([
    [
      'a hand-written time, unquoted',
      WRITTEN.replace('decidedAt: "2026-12-02T08:00:00Z"', 'decidedAt: 2026-12-02T08:00:00Z'),
    ],
    ['a comment after the slots', WRITTEN.replace('nodes:', '# moved by hand\nnodes:')],
    [
      'a flow-style slot',
      WRITTEN.replace(/ {2}review:\n(?: {4}.*\n)+/, '  review: { node: null, halted: true, reason: r }\n'),
    ],
    ['halted: false', WRITTEN.replace('    halted: true', '    halted: false')],
    ['keys in another order', WRITTEN.replace(/( {4}node: null)\n( {4}halted: true)/, '$2\n$1')],
    [
      'a slot twice',
      WRITTEN.replace('nodes:', WRITTEN.slice(WRITTEN.indexOf('  review:'), WRITTEN.indexOf('nodes:')) + 'nodes:'),
    ],
    ['no newline at the end', WRITTEN.trimEnd()],
    ['an unknown key', `${WRITTEN}owner: ops\n`],
    ['a candidate with a wrong score', WRITTEN.replace('{ score: 1200 }', '{ score: lots }')],
    ['an empty candidates map written as null', WRITTEN.replace('    candidates: {}', '    candidates:')],
  ])('gives up on %s, and the gate parses the whole file instead', (_what, edited) => {
    expect(edited).not.toBe(WRITTEN);
    expect(scanAssignedSlots(edited)).toBeUndefined();
  });

  it("a hand-written file the scan gives up on still reads, by the full parse (the gate's fallback)", () => {
    const hand = `decidedAt: 2026-12-02T08:00:00Z\nslots:\n  dev@o/a: { node: vps2, reason: by hand, candidates: {} }\n`;
    expect(scanAssignedSlots(hand)).toBeUndefined();
    expect(fullParse(hand)).toEqual({
      decidedAt: '2026-12-02T08:00:00Z',
      slots: { 'dev@o/a': { node: 'vps2', reason: 'by hand' } },
    });
  });
});
