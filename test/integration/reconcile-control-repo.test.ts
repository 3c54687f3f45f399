import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/reconcile.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../support/emulator/index.js';
import { makeReposFixture, recordingContext, type ReposFixture } from '../support/reconcile-fixture.js';

const PRESET = readFileSync(new URL('../../repos/presets/control-repo.yaml', import.meta.url), 'utf8');
const CONTROL = 'acme/factory';

describe("reconcile keeps the control repo's own branch protection, like any repository's", () => {
  let emu: Emulator;
  let fx: ReposFixture;

  async function reconcile(...args: string[]) {
    const ctx = recordingContext(fx.dir, { FORGE_TOKEN: emu.forgejoToken });
    const code = await run(args, ctx);
    return { code, report: JSON.parse(ctx.stdout.join('')) as { summary: Record<string, number> } };
  }
  const writes = () => emu.count({ api: 'forgejo', writes: true });

  beforeAll(async () => {
    emu = await startEmulator();
    fx = makeReposFixture(emu.forgejoUrl, 0, {
      'repos/presets/control-repo.yaml': PRESET,
      [`repos/${CONTROL}.yaml`]: 'extends: [control-repo]\nforge: emu\n',
    });
    emu.forgejo.createRepo(CONTROL);
  });
  afterAll(async () => {
    await emu?.close();
    fx?.cleanup();
    if (emu) await assertAllExchangesMatchSpec(emu);
  });

  it('requires signed commits, approvals and the validate pipeline; only factory-state/ is pushed directly', async () => {
    const planned = await reconcile();
    expect(planned.code).toBe(2);
    expect(writes()).toBe(0);
    const applied = await reconcile('--apply');
    expect(applied.code).toBe(0);
    expect(emu.forgejo.repo(CONTROL).protections.get('main')).toMatchObject({
      require_signed_commits: true,
      required_approvals: 1,
      enable_status_check: true,
      status_check_contexts: ['ci/woodpecker/pr/validate'],
      enable_push: false,
      unprotected_file_patterns: 'factory-state/**',
      protected_file_patterns: '',
    });
  });

  it('a second run finds nothing to change and writes nothing', async () => {
    const before = writes();
    const planned = await reconcile();
    expect(planned.code).toBe(0);
    const again = await reconcile('--apply');
    expect(again.code).toBe(0);
    expect(writes()).toBe(before);
  });
});
