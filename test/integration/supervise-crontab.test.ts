import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAllExchangesMatchSpec } from '../support/emulator/index.js';
import { holdRootCrontab, readRoot } from '../support/root-crontab.js';
import { cleanupAll } from '../support/cleanup.js';
import { APP, startSuperviseFixture, type SuperviseFixture } from '../support/supervise-fixture.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');

/** The node applies through root's real crontab; the supervisor gets a cron line of its own. */
const cronMode = (yaml: string) => {
  const out = yaml
    .replace('control: [halt-files]', 'control: [halt-files, crontab]')
    .replace('    protected: true\n', '    protected: true\n    command: factoryctl supervise --once\n');
  if (out === yaml || !out.includes('crontab]') || !out.includes('supervise --once'))
    throw new Error('test: could not switch factory.yaml to cron mode');
  return out;
};

describe("supervise --once then node --once: root's real crontab follows the tuned intervals", () => {
  let fx: SuperviseFixture;
  let crontab: Awaited<ReturnType<typeof holdRootCrontab>>;
  const scratch = mkdtempSync(join(tmpdir(), 'supervise-cron-'));
  const nodeEnv = { FACTORY_RUN_DIR: join(scratch, 'run'), FACTORY_STATE_DIR: join(scratch, 'state') };
  const everyLines = () =>
    readRoot()
      .split('\n')
      .filter((l) => /^# (dev|review|supervisor): every /.test(l))
      .sort();
  const supervise = async (at: number) => {
    fx.clock.at = at;
    const r = await fx.cli(fx.supervisorDir, ['supervise', '--once'], { now: at });
    expect(r.code, r.stderr + r.stdout).toBe(0);
  };
  const node = () => fx.cli(fx.agentDir, ['node', '--once']);

  beforeAll(async () => {
    crontab = await holdRootCrontab();
    fx = await startSuperviseFixture([], cronMode);
    fx.env = { ...fx.env, ...nodeEnv };
  });
  afterAll(() =>
    cleanupAll([
      () => crontab?.release(),
      () => fx?.cleanup(),
      () => rmSync(scratch, { recursive: true, force: true }),
      () => fx && assertAllExchangesMatchSpec(fx.emu),
    ]),
  );

  it('backs the crontab lines off over a quiet hour, and shortens dev and review when a PR opens with a running pipeline', async () => {
    // 11-minute looks against the 10-minute quiet step, so a look that reaches its clock sooner misses no step
    for (let t = T0; t <= T0 + 66 * MIN; t += 11 * MIN) await supervise(t);
    const quiet = await node();
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(everyLines()).toEqual(['# dev: every 30m', '# review: every 30m', '# supervisor: every 15m']);

    const at = T0 + 90 * MIN;
    fx.clock.at = at;
    const sha = 'beef'.padEnd(40, '1');
    fx.emu.forgejo.createPull(APP, { title: 'feature', headSha: sha });
    const n = fx.emu.woodpecker.createPipeline(fx.ciRepoId, { event: 'pull_request', commit: sha });
    fx.emu.woodpecker.setPipelineStatus(fx.ciRepoId, n, 'running');
    await supervise(at);
    const busy = await node();
    expect(busy.code, busy.stderr).toBe(0);
    expect(everyLines()).toEqual(['# dev: every 2m', '# review: every 2m', '# supervisor: every 60s']);
    expect(readRoot()).toMatch(/^\*\/2 \* \* \* \* |^\d+-59\/2 \* \* \* \* /m);
  });
});
