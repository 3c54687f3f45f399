import { describe, expect, it } from 'vitest';
import { checkNodeDecision, nodeSilenceMs } from '../../src/domain/node-silence.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const decision = (ageMs: number) => ({
  node: 'n1',
  level: 1,
  halted: ['dev'],
  reason: 'memory',
  since: '2025-06-01T10:00:00Z',
  updatedAt: new Date(NOW - ageMs).toISOString(),
});

describe("a silent node daemon's decision stops holding", () => {
  it.each([
    { sampleMs: 5_000, silenceMs: 120_000 },
    { sampleMs: 1_000, silenceMs: 120_000 },
    { sampleMs: 30_000, silenceMs: 300_000 },
  ])('sampling every $sampleMs ms: bound $silenceMs ms', ({ sampleMs, silenceMs }) => {
    expect(nodeSilenceMs(sampleMs)).toBe(silenceMs);
  });

  it.each([
    { ageMs: 0, live: true },
    { ageMs: 119_999, live: true },
    { ageMs: 120_000, live: true },
    { ageMs: 120_001, live: false },
    { ageMs: 86_400_000, live: false },
  ])('updated $ageMs ms ago with a 2 min bound: live=$live', ({ ageMs, live }) => {
    const checked = checkNodeDecision(decision(ageMs), NOW, 120_000);
    expect(checked.live).toBe(live);
    if (!checked.live)
      expect(checked.note).toBe(
        `node daemon silent since ${decision(ageMs).updatedAt}: its decision (level 1, halting dev) is ignored (stale after 120 s)`,
      );
  });

  it('an unreadable updatedAt counts as silent', () => {
    expect(checkNodeDecision({ ...decision(0), updatedAt: 'yesterday' }, NOW, 120_000).live).toBe(false);
  });
});
