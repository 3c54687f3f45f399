import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, startSuperviseFixture, until, type SuperviseFixture } from '../support/supervise-fixture.js';
import { readSupervisorStats } from '../../src/adapters/control-repo/supervisor-stats.js';

const BUDGET = 50;

describe("status shows the supervisor's call budget and next wake (emulator + real git server)", () => {
  let fx: SuperviseFixture;
  const status = async (dir: string, json: boolean) => {
    const r = await fx.cli(dir, ['status', '--no-pull', ...(json ? ['--json'] : [])]);
    expect(r.code, r.stderr).toBe(0);
    return r;
  };

  beforeAll(async () => {
    fx = await startSuperviseFixture([`budget: { requestsPer30m: ${BUDGET} }`]);
  });
  afterAll(async () => {
    await fx.cleanup();
  });

  it('shows nothing of a supervisor in a clone where none ran', async () => {
    expect(JSON.parse((await status(fx.agentDir, true)).stdout).supervisor).toBeUndefined();
    expect((await status(fx.agentDir, false)).stdout).not.toContain('call budget');
  });

  it('after supervise --once: used/remaining of supervisor.budget per server, equal to the calls spent, and the next wake', async () => {
    const before = Date.now();
    const once = await fx.cli(fx.supervisorDir, ['supervise', '--once', '--json']);
    expect(once.code, once.stderr).toBe(0);
    const cycle = JSON.parse(once.stdout) as { calls: number; wake: { at: number; reason: string } };
    const { supervisor } = JSON.parse((await status(fx.supervisorDir, true)).stdout);
    expect(supervisor.mode).toBe('once');
    expect(supervisor.budgetLimit).toBe(BUDGET);
    const servers = Object.entries(
      supervisor.budgets as Record<string, { used: number; remaining: number; limit: number }>,
    );
    expect(servers.map(([k]) => k).sort()).toEqual(['ci:wp', 'forge:emu']);
    for (const [, b] of servers) expect(b.used + b.remaining).toBe(BUDGET);
    // every attempt counts (retries too); a call still in flight when the cycle stopped counting may add to the budget only
    expect(
      servers.reduce((sum, [, b]) => sum + b.used, 0),
      once.stderr,
    ).toBeGreaterThanOrEqual(cycle.calls);
    expect(cycle.calls).toBeGreaterThan(0);
    expect(supervisor.nextWake).toEqual(cycle.wake);
    expect(supervisor.nextWake.at).toBeGreaterThan(before);

    const text = (await status(fx.supervisorDir, false)).stdout;
    const forge = supervisor.budgets['forge:emu'];
    expect(text).toContain(
      `call budget (supervisor.budget): ci:wp ${supervisor.budgets['ci:wp'].used}/${BUDGET} used, ${supervisor.budgets['ci:wp'].remaining} remaining; forge:emu ${forge.used}/${BUDGET} used, ${forge.remaining} remaining`,
    );
    expect(text).toMatch(
      new RegExp(`next wake ${new Date(cycle.wake.at).toISOString()} \\(in .+\\): ${cycle.wake.reason}`),
    );
  });

  it('the daemon records the wake it will really keep, and its budget spans cycles', async () => {
    const d = startDaemon(fx.supervisorDir, [], fx.env);
    try {
      await d.waitFor(/next look/, 20_000);
      const first = await until(
        () => {
          const s = readSupervisorStats(fx.supervisorDir);
          return s?.mode === 'loop' ? s : undefined;
        },
        10_000,
        'loop stats',
      );
      d.child.kill('SIGUSR1');
      await d.waitFor(/next look/, 20_000, d.lines.findIndex((l) => /next look/.test(l)) + 1);
      const second = await until(
        () => {
          const s = readSupervisorStats(fx.supervisorDir);
          return s && s.at > first.value.at ? s : undefined;
        },
        10_000,
        'second cycle stats',
      );
      const used = (s: typeof first.value) => Object.values(s.budgets).reduce((sum, b) => sum + b.used, 0);
      expect(used(second.value)).toBeGreaterThanOrEqual(used(first.value) + second.value.calls);
      expect(second.value.nextWake.at).toBeGreaterThan(second.value.at);
      const text = (await status(fx.supervisorDir, false)).stdout;
      expect(text).toMatch(/supervisor on test-node \(daemon\)/);
    } finally {
      await d.stop();
    }
  });
});
