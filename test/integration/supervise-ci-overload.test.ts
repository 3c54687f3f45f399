import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAllExchangesMatchSpec } from '../support/emulator/index.js';
import { startDaemon, startSuperviseFixture, until, type SuperviseFixture } from '../support/supervise-fixture.js';

describe('CI overload halts review factory-wide; forge trouble never resumes it', () => {
  let fx: SuperviseFixture;
  const pipelines: number[] = [];
  const halts = () =>
    (parse(fx.onMain('factory-state/halts.yaml')).halts as { role: string; by: string }[]).map(
      (h) => `${h.role} by ${h.by}`,
    );
  const gate = (role: string) => fx.cli(fx.agentDir, ['gate', role]);
  const once = async () => {
    const r = await fx.cli(fx.supervisorDir, ['supervise', '--once']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return r;
  };

  beforeAll(async () => {
    fx = await startSuperviseFixture(['ciOverload: { reviewPending: 3, devPending: 6 }']);
  });
  afterAll(async () => {
    await fx.cleanup();
    await assertAllExchangesMatchSpec(fx.emu);
  });

  it("halts review (not dev) when the queue passes the limit: every node's gate answers 75 for review", async () => {
    for (let i = 0; i < 3; i++) pipelines.push(fx.emu.woodpecker.createPipeline(fx.ciRepoId));
    expect((await gate('review')).code).toBe(0);
    await once();
    expect(halts()).toEqual(['review by supervisor/ci-overload']);
    const blocked = await gate('review');
    expect(blocked.code).toBe(75);
    expect(blocked.stderr).toContain('CI queue past the review limit (3 pending');
    expect((await gate('dev')).code).toBe(0);
    expect(fx.onMain('factory-state/STATUS.md')).toMatch(
      /\| test-node \| review \| \*\*halted\*\* \| supervisor \| CI queue past the review limit/,
    );
  });

  it.each([
    ['a 500 from the queue', { status: 500 }],
    ['a 429 with Retry-After', { status: 429, retryAfter: '1' }],
    ['a hang', { hang: true }],
  ])('keeps review halted on %s, even though the pipelines finished meanwhile', async (_what, fault) => {
    for (const n of pipelines) fx.emu.woodpecker.setPipelineStatus(fx.ciRepoId, n, 'success');
    const id = fx.emu.faults.add({ api: 'woodpecker', route: 'GET /queue/info', ...fault });
    try {
      const before = fx.mainSha();
      const r = await once();
      expect(r.stderr).toMatch(/CI queue unknown \(.+\): keeping the previous decision, review halted factory-wide/);
      expect(fx.mainSha()).toBe(before);
      expect((await gate('review')).code).toBe(75);
    } finally {
      fx.emu.faults.remove(id);
    }
  });

  it('keeps looping through 500s, 429s and hangs on every API, then resumes review once the queue is seen drained', async () => {
    const ids = [
      fx.emu.faults.add({ api: 'woodpecker', status: 503, times: 2 }),
      fx.emu.faults.add({ api: 'woodpecker', status: 429, retryAfter: '1', times: 2 }),
      fx.emu.faults.add({ api: 'woodpecker', hang: true }),
      fx.emu.faults.add({ api: 'forgejo', status: 500 }),
    ];
    const daemon = startDaemon(fx.supervisorDir, [], fx.env);
    try {
      await daemon.waitFor(/^factoryctl supervise: \d+ repositories/, 15_000);
      for (let i = 0; i < 3; i++) {
        const from = daemon.lines.length;
        daemon.child.kill('SIGUSR1');
        await daemon.waitFor(/^factoryctl supervise: \d+ repositories/, 15_000, from);
      }
      expect(daemon.child.exitCode).toBeNull();
      expect(daemon.lines.join('\n')).toContain('missing data: no back-off, no resume');
      expect(halts()).toEqual(['review by supervisor/ci-overload']);

      for (const id of ids) fx.emu.faults.remove(id);
      const from = daemon.lines.length;
      daemon.child.kill('SIGUSR1');
      await daemon.waitFor(/committed .* and pushed/, 15_000, from);
      expect(halts()).toEqual([]);
      const resumed = await until(
        async () => ((await gate('review')).code === 0 ? true : undefined),
        20_000,
        'the gate to let review run',
      );
      expect(resumed.value).toBe(true);
      expect(fx.onMain('factory-state/STATUS.md')).toMatch(/CI queue drained \(0 pending.*\): review resumes/);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });
});
