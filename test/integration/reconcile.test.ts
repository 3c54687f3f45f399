import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/reconcile.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../support/emulator/index.js';
import { makeReposFixture, recordingContext, type ReposFixture } from '../support/reconcile-fixture.js';

const REPOS = 50;
const LABELS = 11; // repos/presets/factory-labels.yaml

interface Row {
  slug: string;
  status: string;
  applied: number;
  actions: unknown[];
  failure?: { kind: string; message: string };
}
interface Report {
  ok: boolean;
  summary: Record<string, number>;
  repos: Row[];
}

describe('reconcile against the Forgejo emulator: 50 repositories, latency, a bad token, a 429', () => {
  let emu: Emulator;
  let fx: ReposFixture;
  const env = () => ({ FORGE_TOKEN: emu.forgejoToken, LONE_TOKEN: 'not-the-right-token' });

  async function reconcile(...args: string[]): Promise<{ code: number; report: Report; stderr: string[] }> {
    const ctx = recordingContext(fx.dir, env());
    const code = await run(args, ctx);
    return { code, report: JSON.parse(ctx.stdout.join('')) as Report, stderr: ctx.stderr };
  }
  const writes = () => emu.count({ api: 'forgejo', writes: true });

  beforeAll(async () => {
    emu = await startEmulator();
    fx = makeReposFixture(emu.forgejoUrl, REPOS, {
      'repos/lone/wolf.yaml': 'extends: [factory-labels]\nforge: emu\ntokenEnv: LONE_TOKEN\n',
    });
    for (const slug of fx.slugs) emu.forgejo.createRepo(slug);
    emu.forgejo.createRepo('lone/wolf', { token: 'the-right-token' });
    // a human's label on one repository: unmanaged, it must survive
    emu.forgejo.createLabel('org/r03', { name: 'mine', color: '123456' });
    emu.faults.add({ api: 'forgejo', latencyMs: 25 });
  });
  afterAll(async () => {
    await emu?.close();
    fx?.cleanup();
  });

  it('plans: every repository drifts, the bad token fails alone with a clear message; nothing is written', async () => {
    const { code, report } = await reconcile();
    expect(code).toBe(69);
    expect(report.summary).toMatchObject({ repositories: REPOS + 1, drift: REPOS, failed: 1 });
    const lone = report.repos.find((r) => r.slug === 'lone/wolf');
    expect(lone?.failure?.kind).toBe('auth');
    expect(lone?.failure?.message).toContain('$LONE_TOKEN');
    expect(lone?.failure?.message).toContain('401');
    expect(writes()).toBe(0);
  });

  it('first apply creates what is missing and leaves the unmanaged label alone', async () => {
    const { code, report } = await reconcile('--apply');
    expect(code).toBe(69); // lone/wolf still fails
    expect(report.summary).toMatchObject({ applied: REPOS, failed: 1, writes: REPOS * (LABELS + 1) });
    for (const slug of fx.slugs) {
      const repo = emu.forgejo.repo(slug);
      expect(repo.labels.size).toBe(slug === 'org/r03' ? LABELS + 1 : LABELS);
      expect([...repo.protections.keys()]).toEqual(['main']);
    }
    expect([...emu.forgejo.repo('org/r03').labels.values()].some((l) => l.name === 'mine')).toBe(true);
  });

  it('second apply makes zero writes, with at most 3 reads per repository', async () => {
    const before = { writes: writes(), reads: emu.count({ api: 'forgejo', writes: false }) };
    const { report } = await reconcile(
      '--apply',
      '--repo',
      'org/r00',
      ...fx.slugs.slice(1).flatMap((s) => ['--repo', s]),
    );
    expect(report.summary).toMatchObject({ inSync: REPOS, failed: 0, writes: 0 });
    expect(writes()).toBe(before.writes);
    expect(emu.count({ api: 'forgejo', writes: false }) - before.reads).toBeLessThanOrEqual(3 * REPOS);
  });

  it('plan exits 0 when there is no drift', async () => {
    const { code, report } = await reconcile('--repo', 'org/r01');
    expect(report.summary).toMatchObject({ inSync: 1 });
    expect(code).toBe(0);
  });

  it('drift made on the forge is found (exit 2) and repaired', async () => {
    const label = [...emu.forgejo.repo('org/r02').labels.values()].find((l) => l.name === 'ready')!;
    label.color = '000000';
    const plan = await reconcile('--repo', 'org/r02');
    expect(plan.code).toBe(2);
    expect(plan.report.repos[0]?.actions).toMatchObject([
      { kind: 'update-label', name: 'ready', changes: [{ field: 'color', from: '000000', to: '0e8a16' }] },
    ]);
    expect((await reconcile('--apply', '--repo', 'org/r02')).code).toBe(0);
    expect((await reconcile('--repo', 'org/r02')).code).toBe(0);
  });

  it('a 429 with Retry-After is waited out, not reported as a failure', async () => {
    emu.faults.add({
      api: 'forgejo',
      route: 'GET /repos/{owner}/{repo}/labels',
      repo: 'org/r04',
      status: 429,
      retryAfter: '1',
      times: 1,
    });
    const { code, report } = await reconcile('--repo', 'org/r04');
    expect(code).toBe(0);
    expect(report.repos[0]?.status).toBe('in-sync');
    const tries = emu.exchanges
      .filter((e) => e.repo === 'org/r04' && e.route === 'GET /repos/{owner}/{repo}/labels')
      .slice(-2);
    expect(tries.map((e) => e.status)).toEqual([429, 200]);
    // the retry came after the server's Retry-After, not before
    expect(tries[1]!.startedAt - tries[0]!.startedAt).toBeGreaterThanOrEqual(1000);
  });

  it('every exchange matched the Forgejo API spec', async () => {
    expect(emu.bugs).toEqual([]);
    await assertAllExchangesMatchSpec(emu);
  });
});
