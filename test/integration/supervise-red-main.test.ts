import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh, shAsync } from '../support/control-repo.js';
import { assertAllExchangesMatchSpec } from '../support/emulator/index.js';
import { APP, startSuperviseFixture, type SuperviseFixture } from '../support/supervise-fixture.js';

const WEB = 'acme/web';

describe('a red main pauses dev for that repository only, until it is green again', () => {
  let fx: SuperviseFixture;
  let webCi: number;
  const redMainHalts = () =>
    (parse(fx.onMain('factory-state/halts.yaml')).halts as { role: string; repo?: string; by: string }[])
      .filter((h) => h.by === 'supervisor/red-main')
      .map((h) => `${h.role} ${h.repo}`);
  const gate = (repo: string) => fx.cli(fx.agentDir, ['gate', 'dev', '--repo', repo]);
  const once = async () => {
    const r = await fx.cli(fx.supervisorDir, ['supervise', '--once']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return r;
  };
  /** A finished pipeline on `main` of a CI repository; its number. */
  const pipeline = (repoId: number, status: 'success' | 'failure') => {
    const n = fx.emu.woodpecker.createPipeline(repoId, { branch: 'main' });
    fx.emu.woodpecker.setPipelineStatus(repoId, n, status);
    return n;
  };

  beforeAll(async () => {
    fx = await startSuperviseFixture([]);
    // A second repository with CI of its own, whose main stays green.
    fx.emu.forgejo.createRepo(WEB);
    webCi = fx.emu.woodpecker.createRepo(WEB).id;
    writeFileSync(join(fx.humanDir, 'repos', `${WEB}.yaml`), `forge: emu\nci: { server: wp, repoId: ${webCi} }\n`);
    sh(fx.humanDir, 'git', ['add', '-A']);
    sh(fx.humanDir, 'git', ['commit', '-qm', `repos: ${WEB}`]);
    // Async: the git server answers from this process, so a blocking push would wait on itself.
    await shAsync(fx.humanDir, 'git', ['push', '-q', 'origin', 'HEAD:main']);
    pipeline(fx.ciRepoId, 'success');
    pipeline(webCi, 'success');
  });
  afterAll(async () => {
    await fx?.cleanup();
    if (fx) await assertAllExchangesMatchSpec(fx.emu);
  });

  it('green mains: dev runs everywhere', async () => {
    await once();
    expect(redMainHalts()).toEqual([]);
    expect((await gate(APP)).code).toBe(0);
  });

  it("two red pipelines in a row on the app's main: gate 75 for dev there, with the pipeline number; the other repository's dev runs", async () => {
    pipeline(fx.ciRepoId, 'failure');
    await once();
    expect(redMainHalts(), 'one failure is under the default inARow of 2 and the 15m grace').toEqual([]);
    const red = pipeline(fx.ciRepoId, 'failure');
    await once();
    expect(redMainHalts()).toEqual([`dev ${APP}`]);
    const blocked = await gate(APP);
    expect(blocked.code).toBe(75);
    expect(blocked.stderr).toContain(`main is red: pipeline #${red} failure (2 failed in a row`);
    expect(blocked.stderr).toContain(
      `${fx.emu.woodpeckerUrl.replace(/\/+$/, '')}/repos/${fx.ciRepoId}/pipeline/${red}`,
    );
    expect((await gate(WEB)).code).toBe(0);
    expect((await fx.cli(fx.agentDir, ['gate', 'review', '--repo', APP])).code).toBe(0);
    expect(fx.onMain('factory-state/STATUS.md')).toContain(`dev halted for ${APP}: main is red: pipeline #${red}`);
  });

  it('missing data never resumes: green meanwhile, but the pipelines cannot be read', async () => {
    pipeline(fx.ciRepoId, 'success');
    const id = fx.emu.faults.add({ api: 'woodpecker', route: 'GET /repos/{repo_id}/pipelines', status: 500 });
    try {
      const r = await once();
      expect(r.stderr + r.stdout).toMatch(new RegExp(`${APP}: main unknown .*dev left as it is`));
      expect(redMainHalts()).toEqual([`dev ${APP}`]);
      expect((await gate(APP)).code).toBe(75);
    } finally {
      fx.emu.faults.remove(id);
    }
  });

  it('green again and seen: dev resumes', async () => {
    await once();
    expect(redMainHalts()).toEqual([]);
    expect((await gate(APP)).code).toBe(0);
    expect(fx.onMain('factory-state/STATUS.md')).toMatch(
      new RegExp(`dev resumed for ${APP}: main green again \\(pipeline #\\d+\\)`),
    );
  });
});
