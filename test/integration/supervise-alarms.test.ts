import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/domain/supervisor/webhook-signature.js';
import { cleanupAll } from '../support/cleanup.js';
import { assertAllExchangesMatchSpec } from '../support/emulator/index.js';
import {
  APP,
  SECRET,
  startDaemon,
  startSuperviseFixture,
  until,
  type Daemon,
  type SuperviseFixture,
} from '../support/supervise-fixture.js';

const ALARMS = 'factory-state/alarms.yaml';

describe('alarm add checks its target on the forge and CI', () => {
  let fx: SuperviseFixture;
  beforeAll(async () => {
    fx = await startSuperviseFixture([]);
    fx.emu.woodpecker.createPipeline(fx.ciRepoId, { number: 940 });
  });
  afterAll(() => cleanupAll([() => fx?.cleanup(), () => fx && assertAllExchangesMatchSpec(fx.emu)]));

  it.each([
    [['--pipeline', '941'], 65, 'pipeline #941 does not exist (the CI server answered 404)'],
    [['--pr', '99', '--repo', APP], 65, `PR #99 of ${APP} does not exist (the forge answered 404)`],
    [['--issue', '7', '--repo', APP], 65, `issue #7 of ${APP} does not exist`],
    [['--at', '2020-01-01T00:00:00Z'], 65, 'is not in the future'],
    [['--pipeline', '940', '--repo', 'no/such'], 65, 'pipeline #940 of no/such does not exist'],
    [['--pr', '3'], 64, '--pr needs --repo'],
    [['--pipeline', '940', '--pr', '3'], 64, 'give exactly one of'],
  ])('alarm add %j exits %i', async (args, code, message) => {
    const before = fx.mainSha();
    const r = await fx.cli(fx.humanDir, ['alarm', 'add', ...args]);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toContain(message);
    expect(fx.mainSha()).toBe(before);
  });

  it('adds, lists and removes an alarm through commits on main; rm of an unknown id exits 66', async () => {
    const added = await fx.cli(fx.humanDir, ['alarm', 'add', '--pipeline', '940', '--note', 'release build']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('alarm pipeline-940 set: fires when pipeline #940 finishes (pushed)');
    expect(fx.onMain(ALARMS)).toMatch(
      /id: pipeline-940\n\s+kind: pipeline\n\s+number: 940\n\s+note: release build\n\s+createdBy: human/,
    );
    expect((await fx.cli(fx.humanDir, ['alarm', 'add', '--pipeline', '940'])).stdout).toContain('already set');
    expect((await fx.cli(fx.agentDir, ['alarm', 'list'])).stdout).toContain(
      'pipeline #940 finishes (release build) [human]',
    );
    const unknown = await fx.cli(fx.humanDir, ['alarm', 'rm', 'nope']);
    expect(unknown.code).toBe(66);
    expect((await fx.cli(fx.humanDir, ['alarm', 'rm', 'pipeline-940'])).code).toBe(0);
    expect(fx.onMain(ALARMS)).toContain('alarms: []');
  });
});

function daemonFixture(supervisorLines: string[]) {
  const ctx = {} as { fx: SuperviseFixture; daemon: Daemon; hookUrl: string };
  beforeAll(async () => {
    // The tuned interval (10m or more) never runs a cycle during the test: only polls and webhooks do.
    ctx.fx = await startSuperviseFixture(['interval: { min: 10m, max: 15m }', ...supervisorLines]);
    ctx.daemon = startDaemon(ctx.fx.supervisorDir, ['--listen', '127.0.0.1:0'], ctx.fx.env);
    ctx.hookUrl = (await ctx.daemon.waitFor(/listening for webhooks on /)).replace(/.* on /, '');
    await ctx.daemon.waitFor(/^factoryctl supervise: \d+ repositories/, 15_000);
  });
  afterAll(() =>
    cleanupAll([
      async () => ctx.daemon && expect(await ctx.daemon.stop(), ctx.daemon.lines.join('\n')).toBe(0),
      () => ctx.fx?.cleanup(),
      () => ctx.fx && assertAllExchangesMatchSpec(ctx.fx.emu),
    ]),
  );
  return ctx;
}

describe('a pipeline alarm fires once the pipeline finishes, by polling (the latency is measured in bench/)', () => {
  const ctx = daemonFixture(['alarmPoll: 1s']);
  const out = mkdtempSync(join(tmpdir(), 'alarm-out-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is seen by the running supervisor, fires after the pipeline finishes, is recorded, runs its command and is removed', async () => {
    const { fx, daemon } = ctx;
    const n = fx.emu.woodpecker.createPipeline(fx.ciRepoId, { number: 940 });
    fx.emu.woodpecker.setPipelineStatus(fx.ciRepoId, n, 'running');
    const file = join(out, 'fired.txt');
    const from = daemon.lines.length;
    const added = await fx.cli(fx.humanDir, [
      'alarm',
      'add',
      '--pipeline',
      '940',
      '--command',
      `echo "$FACTORY_ALARM_ID: $FACTORY_ALARM_REASON" > ${file}`,
    ]);
    expect(added.code, added.stderr).toBe(0);
    // New alarms are picked up by the poll (a pull of the control repo, no API call). The cycle interval is
    // 10 minutes, so only the poll can see it; the bound is for a loaded CI machine, not a latency claim.
    await daemon.waitFor(/watching 1 alarm: pipeline-940/, 30_000, from);
    expect(fx.onMain(ALARMS)).toContain('id: pipeline-940');
    fx.emu.woodpecker.setPipelineStatus(fx.ciRepoId, n, 'success');
    // A poll period (1s) plus a cycle's pull, reads and push; the latency itself is measured in bench/.
    await until(() => (fx.onMain(ALARMS).includes('id: ') ? undefined : true), 30_000, 'the alarm to fire');
    expect(fx.onMain('factory-state/STATUS.md')).toMatch(
      /UTC: alarm pipeline-940 fired: pipeline #940 finished: success; runs `echo/,
    );
    // The shell creates the file before echo writes its line: wait for the whole line.
    const { value } = await until(
      () => (existsSync(file) && readFileSync(file, 'utf8').endsWith('\n') ? readFileSync(file, 'utf8') : undefined),
      15_000,
      'the command to run',
    );
    expect(value.trim()).toBe('pipeline-940: pipeline #940 finished: success');
  });
});

describe('webhooks wake the supervisor at once; unsigned or wrongly signed ones change nothing', () => {
  // Polls every 10 minutes: within the test only a webhook can wake it.
  const ctx = daemonFixture(['alarmPoll: 10m']);

  it('refuses unsigned and wrongly signed webhooks (401, logged); a signed one fires the alarm at once', async () => {
    const { fx, daemon, hookUrl } = ctx;
    const n = fx.emu.woodpecker.createPipeline(fx.ciRepoId, { number: 950 });
    expect((await fx.cli(fx.humanDir, ['alarm', 'add', '--pipeline', '950'])).code).toBe(0);
    fx.emu.woodpecker.setPipelineStatus(fx.ciRepoId, n, 'failure');
    const body = JSON.stringify({ pipeline: 950, status: 'failure' });
    const before = fx.mainSha();
    const from = daemon.lines.length;
    const refused = await Promise.all([
      fetch(`${hookUrl}/hook`, { method: 'POST', body }),
      fetch(`${hookUrl}/hook`, {
        method: 'POST',
        body,
        headers: { 'X-Factory-Signature': signBody('wrong-secret', body) },
      }),
      fetch(`${hookUrl}/any`, {
        method: 'POST',
        body,
        headers: {
          'X-Forgejo-Event': 'push',
          'X-Forgejo-Signature': createHmac('sha256', SECRET).update(`${body} `).digest('hex'),
        },
      }),
    ]);
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401]);
    await until(
      () => (daemon.lines.slice(from).filter((l) => l.includes('webhook refused')).length === 3 ? true : undefined),
      15_000,
      'three refusals in the log',
    );
    expect(daemon.lines.slice(from).join('\n')).toMatch(/unsigned: none of x-factory-signature/);
    expect(daemon.lines.slice(from).some((l) => l.includes('cycle ('))).toBe(false);
    expect(fx.mainSha()).toBe(before);
    expect(fx.onMain(ALARMS)).toContain('id: pipeline-950');

    const ok = await fetch(`${hookUrl}/hook`, {
      method: 'POST',
      body,
      headers: { 'X-Factory-Signature': signBody(SECRET, body) },
    });
    expect(ok.status).toBe(202);
    // The latency (under a second on loopback) is measured in bench/; here only that it happens without a poll
    // (the next one is 10 minutes away).
    await until(
      () => (fx.onMain(ALARMS).includes('pipeline-950') ? undefined : true),
      30_000,
      'the alarm to fire on the webhook',
    );
    expect(fx.onMain('factory-state/STATUS.md')).toContain('alarm pipeline-950 fired: pipeline #950 finished: failure');
    await daemon.waitFor(/cycle \(generic webhook\)/, 10_000, from);
  });

  it('accepts a Forgejo webhook signed with the shared secret', async () => {
    const { daemon, hookUrl } = ctx;
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const from = daemon.lines.length;
    const r = await fetch(`${hookUrl}/forgejo`, {
      method: 'POST',
      body,
      headers: {
        'X-Forgejo-Event': 'push',
        'X-Forgejo-Signature': createHmac('sha256', SECRET).update(body).digest('hex'),
      },
    });
    expect(r.status).toBe(202);
    await daemon.waitFor(/cycle \(forgejo push event\)/, 15_000, from);
  });
});
