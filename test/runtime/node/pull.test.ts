import { describe, expect, it } from 'vitest';
import type { PullOutcome } from '../../../src/adapters/git/pull.js';
import { PULL_EVERY_MS } from '../../../src/domain/node/pull-schedule.js';
import { nodeHarness } from './node-harness.js';

describe('the node daemon pulls on its schedule', () => {
  it('pulls when due or forced, never twice at once; a failing pull is reported once and journaled with the next cycle', async () => {
    const answers: PullOutcome[] = [
      { ok: false, error: 'timed out', timedOut: true },
      { ok: false, error: 'timed out', timedOut: true },
      { ok: true },
    ];
    let pulls = 0;
    const h = await nodeHarness({ pull: async () => answers[pulls++]! });
    await h.daemon.maybePull();
    await h.daemon.maybePull();
    expect(pulls).toBe(1);
    await Promise.all([h.daemon.maybePull(true), h.daemon.maybePull(true)]);
    expect(pulls).toBe(2);
    h.clock.now += PULL_EVERY_MS - 1;
    await h.daemon.maybePull();
    expect(pulls).toBe(2);
    h.clock.now += 1;
    await h.daemon.maybePull();
    expect(pulls).toBe(3);
    expect(h.logs.filter((l) => l.startsWith('pull'))).toEqual([
      'pull failed, applying the last pulled config: timed out',
      'pull: fine again',
    ]);
    const report = await h.daemon.cycle();
    expect(report.events.map((e) => e.kind)).toEqual(['pull', 'pull-ok']);
    expect(report.commit).toBe('change');
  });
});
