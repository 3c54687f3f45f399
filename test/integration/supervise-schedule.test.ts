import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAllExchangesMatchSpec } from '../support/emulator/index.js';
import { APP, startSuperviseFixture, type SuperviseFixture } from '../support/supervise-fixture.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');

describe('supervise --once: the schedule follows the forge and CI (emulator + real git server)', () => {
  let fx: SuperviseFixture;
  const intervals = () => {
    const roles = parse(fx.onMain('factory-state/schedule.yaml')).roles as Record<
      string,
      { interval: string; reason: string }
    >;
    return Object.fromEntries(Object.entries(roles).map(([r, e]) => [r, e.interval]));
  };
  const supervise = async (at: number) => {
    fx.clock.at = at;
    const r = await fx.cli(fx.supervisorDir, ['supervise', '--once'], { now: at });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return r;
  };

  beforeAll(async () => {
    fx = await startSuperviseFixture([]);
  });
  afterAll(async () => {
    await fx.cleanup();
    await assertAllExchangesMatchSpec(fx.emu);
  });

  it('starts every role at its minimum, then a quiet simulated hour backs each off to its maximum', async () => {
    await supervise(T0);
    expect(intervals()).toEqual({ dev: '2m', review: '2m', supervisor: '1m' });
    const seen: Record<string, string>[] = [];
    // 11-minute looks against the 10-minute quiet step: each look is one step past the last change even when
    // this run reaches its clock a few seconds sooner than the one before (--now runs at real speed).
    for (let t = T0 + 11 * MIN; t <= T0 + 66 * MIN; t += 11 * MIN) {
      await supervise(t);
      seen.push(intervals());
    }
    expect(seen.map((s) => s.dev)).toEqual(['4m', '8m', '16m', '30m', '30m', '30m']);
    expect(seen.at(-1)).toEqual({ dev: '30m', review: '30m', supervisor: '15m' });
    const dev = parse(fx.onMain('factory-state/schedule.yaml')).roles.dev;
    expect(dev.reason).toMatch(
      /^quiet for 44m \(no open PRs, no pipelines pending, no pipelines running, no ready issues\): back off from 16m to 30m, the maximum$/,
    );
    expect(fx.onMain('factory-state/STATUS.md')).toContain('| dev | 30m |');
  });

  it('makes no commit on a quiet cycle', async () => {
    const before = fx.mainSha();
    const r = await supervise(T0 + 75 * MIN);
    expect(r.stdout).toContain('nothing changed, no commit');
    expect(fx.mainSha()).toBe(before);
  });

  it('snaps dev and review back to their minimum when a PR opens with a running pipeline, saying why', async () => {
    const at = T0 + 90 * MIN;
    fx.clock.at = at;
    const sha = 'c0ffee'.padEnd(40, '0');
    fx.emu.forgejo.createPull(APP, { title: 'feature', headSha: sha });
    fx.emu.forgejo.setStatus(APP, sha, { state: 'pending', context: 'ci/woodpecker/pr/test' });
    const n = fx.emu.woodpecker.createPipeline(fx.ciRepoId, { event: 'pull_request', commit: sha });
    fx.emu.woodpecker.setPipelineStatus(fx.ciRepoId, n, 'running');
    const before = fx.commitsOnMain();
    await supervise(at);
    expect(intervals()).toEqual({ dev: '2m', review: '2m', supervisor: '1m' });
    expect(fx.commitsOnMain()).toBe(before + 1);
    const roles = parse(fx.onMain('factory-state/schedule.yaml')).roles;
    expect(roles.review.reason).toBe(
      'work in flight (1 open PR, 1 pipeline pending, 1 pipeline running): run every 2m, the minimum',
    );
    const status = fx.onMain('factory-state/STATUS.md');
    expect(status).toMatch(/- 2026-03-02 09:30 UTC: review every 2m \(was 30m\): work in flight/);
  });
});
