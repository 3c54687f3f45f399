// A cron-mode node (`factoryctl node --once`) probes its forges beside its pull, as the node daemon
// does on its own period, and says in decision.json on its telemetry branch whether it reaches them:
// the leader's forge-unreachable alert then covers cron-mode nodes too.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl } from '../support/closed-port.js';
import { parse, stringify } from 'yaml';
import type { NodeDecision } from '../../src/domain/config/state-schema.js';
import { factoryctl } from '../support/cli.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../support/control-repo.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../support/emulator/index.js';
import { nodeFactoryYaml } from '../support/node-fixture.js';

describe('node --once: the forge probe', () => {
  let emu: Emulator;
  const fixtures: ControlRepoFixture[] = [];
  beforeAll(async () => {
    emu = await startEmulator();
    emu.forgejo.createRepo('acme/app');
  });
  afterAll(async () => {
    await emu.close();
    for (const f of fixtures) f.cleanup();
  });

  const onceAgainst = async (forgeUrl: string) => {
    const yaml = parse(nodeFactoryYaml({ policy: {} })) as Record<string, unknown>;
    const forges = { emu: { type: 'forgejo', url: forgeUrl, tokenEnv: 'FORGE_TOKEN' } };
    const fixture = makeControlRepo({
      factoryYaml: stringify({ ...yaml, forges }),
      files: { 'repos/acme/app.yaml': 'forge: emu\n' },
    });
    fixtures.push(fixture);
    const dir = await fixture.clone('node', fixture.bare);
    const env = {
      FACTORY_NODE: 'cron1',
      FORGE_TOKEN: emu.forgejoToken,
      FACTORY_RUN_DIR: join(fixture.root, 'run'),
      FACTORY_STATE_DIR: join(fixture.root, 'state'),
    };
    const r = await factoryctl(['node', '--once'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(sh(fixture.bare, 'git', ['show', 'telemetry/cron1:decision.json'])) as NodeDecision;
  };

  it('records the forge reachable when it answers, unreachable (with the error) when it does not', async () => {
    expect((await onceAgainst(emu.forgejoUrl)).forge).toEqual({ ok: true, since: expect.any(String) });
    const dead = await closedPortUrl();
    expect((await onceAgainst(dead)).forge).toEqual({
      ok: false,
      since: expect.any(String),
      error: `${dead}: network error: ECONNREFUSED`,
    });
    expect(emu.exchanges.some((e) => e.path.endsWith('/version'))).toBe(true);
    await assertAllExchangesMatchSpec(emu);
  });
});
