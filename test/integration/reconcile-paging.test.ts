import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/reconcile.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../support/emulator/index.js';
import { makeReposFixture, recordingContext, type ReposFixture } from '../support/reconcile-fixture.js';

interface Report {
  repos: { slug: string; status: string; failure?: { kind: string; message: string } }[];
}

describe('reconcile against a forge that ignores page: no duplicate deletes, a refusal with exit 69', () => {
  let emu: Emulator;
  let fx: ReposFixture;
  beforeAll(async () => {
    emu = await startEmulator();
    // prune on: every label the config does not list would be deleted
    fx = makeReposFixture(emu.forgejoUrl, 0, {
      'repos/org/big.yaml': 'forge: emu\nprune: { labels: true }\nlabels:\n  - { name: keep, color: "00aa00" }\n',
    });
    emu.forgejo.createRepo('org/big');
    for (let i = 0; i < 60; i++) emu.forgejo.createLabel('org/big', { name: `stale${i}`, color: '123456' });
    emu.forgejo.pagination.mode = 'ignores-page';
  });
  afterAll(async () => {
    await emu?.close();
    fx?.cleanup();
    if (emu) await assertAllExchangesMatchSpec(emu);
  });

  async function reconcile(...args: string[]) {
    const ctx = recordingContext(fx.dir, { FORGE_TOKEN: emu.forgejoToken });
    const code = await run(args, ctx);
    return { code, report: JSON.parse(ctx.stdout.join('')) as Report };
  }

  it('refuses to plan deletes from the doubtful listing, says why, and writes nothing', async () => {
    const { code, report } = await reconcile('--apply');
    expect(code).toBe(69);
    const big = report.repos.find((r) => r.slug === 'org/big')!;
    expect(big.status).toBe('failed');
    expect(big.failure?.message).toMatch(/50 label deletes refused: the label listing of org\/big is not whole/);
    expect(big.failure?.message).toContain('page 2 repeated earlier items');
    expect(emu.count({ api: 'forgejo', writes: true })).toBe(0);
    expect(emu.forgejo.repo('org/big').labels.size).toBe(60);
  });

  it('names the sub-resource that answered 404, not the repository', async () => {
    emu.faults.add({ api: 'forgejo', route: 'GET /repos/{owner}/{repo}/labels', status: 404, times: 1 });
    const { code, report } = await reconcile();
    expect(code).toBe(69);
    const msg = report.repos.find((r) => r.slug === 'org/big')!.failure!.message;
    expect(msg).toMatch(/^labels of org\/big not found/);
  });
});
