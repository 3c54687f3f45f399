import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { sh, shAsync } from '../support/control-repo.js';
import { startDaemon, startSuperviseFixture, until, type SuperviseFixture } from '../support/supervise-fixture.js';
import { writeFileSync } from 'node:fs';
import { commitStateFiles } from '../../src/adapters/control-repo/state-commit.js';
import { readSupervisorStats } from '../../src/adapters/control-repo/supervisor-stats.js';
import { renderAlarmsYaml } from '../../src/domain/supervisor/alarms-file.js';
import { LeaseLostError, takeLead } from '../../src/runtime/supervisor/lease.js';

const SEC = 1000;
const T0 = Date.parse('2026-03-02T08:00:00Z');
const POLICY = { durationMs: 120 * SEC, renewBeforeMs: 60 * SEC };

describe('leader lease on control/lease with fencing: two supervisors on two clones of a real git server', () => {
  let fx: SuperviseFixture;
  let a: string;
  let b: string;
  const supervise = async (dir: string, node: string, at: number) => {
    fx.clock.at = at;
    const r = await factoryctl(['supervise', '--once', '--now', new Date(at).toISOString()], {
      cwd: dir,
      env: { ...fx.env, FACTORY_NODE: node },
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return r;
  };
  const lease = () =>
    JSON.parse(sh(fx.repo.bare, 'git', ['show', 'control/lease:lease.json'])) as {
      holder: string;
      epoch: number;
      expiresAt: string;
    };
  /** who committed each supervisor commit on main (the clones' git identities are their names) */
  const committers = () =>
    sh(fx.repo.bare, 'git', ['log', '--format=%an', 'main'])
      .split('\n')
      .filter((n) => n !== 'Tester');
  const halts = () => (parse(fx.onMain('factory-state/halts.yaml')).halts as { role: string }[]).map((h) => h.role);
  const pipelines: number[] = [];
  /** --now starts a clock that runs on at real speed: a run's time is its start plus a few seconds at most */
  const expectExpiry = (at: number) => {
    const seen = Date.parse(lease().expiresAt);
    expect(seen).toBeGreaterThanOrEqual(at);
    expect(seen).toBeLessThan(at + 5 * SEC);
  };

  beforeAll(async () => {
    fx = await startSuperviseFixture(['ciOverload: { reviewPending: 3, devPending: 6 }']);
    a = fx.supervisorDir;
    b = await fx.repo.clone('standby', `${fx.git.url}control.git`);
  });
  afterAll(async () => {
    await fx.cleanup();
  });

  it('the first supervisor takes the lease (epoch 1) and commits; the second observes, says so, and commits nothing', async () => {
    const first = await supervise(a, 'vps-a', T0);
    expect(first.stdout).toMatch(/committed [0-9a-f]+ and pushed/);
    expect(lease()).toMatchObject({ holder: 'vps-a', epoch: 1 });
    expectExpiry(T0 + POLICY.durationMs);

    for (let i = 0; i < 3; i++) pipelines.push(fx.emu.woodpecker.createPipeline(fx.ciRepoId));
    const before = fx.mainSha();
    const second = await supervise(b, 'vps-b', T0 + 10 * SEC);
    expect(second.stdout).toMatch(/^standby, vps-a leads \(epoch 1\) until .*committed nothing/);
    expect(second.stderr).toMatch(
      /standby: .*observing only, committing nothing \(as leader: supervisor: .*CI queue past the review limit/,
    );
    expect(fx.mainSha()).toBe(before);
    expect(lease().holder).toBe('vps-a');

    await supervise(a, 'vps-a', T0 + 20 * SEC);
    expect(halts()).toEqual(['review']);
    expect(new Set(committers())).toEqual(new Set(['supervisor']));
    // the decision was pushed with a renewal: same epoch, a later expiry
    expect(lease()).toMatchObject({ holder: 'vps-a', epoch: 1 });
    expectExpiry(T0 + 20 * SEC + POLICY.durationMs);
  });

  it('when the leader stops renewing, the standby takes over after expiry (new epoch) and decides', async () => {
    for (const n of pipelines) fx.emu.woodpecker.setPipelineStatus(fx.ciRepoId, n, 'success');
    const expiry = Date.parse(lease().expiresAt);
    // The standby sees the renewal land: the lease's age is the time since it saw it change, on its
    // own clock (--now sets it too), not the holder's expiry against its clock. Its term ends 120 s later.
    await supervise(b, 'vps-b', expiry - 135 * SEC);
    // Well inside the term: the --now clock runs on at real speed while the run starts.
    const early = await supervise(b, 'vps-b', expiry - 30 * SEC);
    expect(early.stdout).toMatch(/^standby/);
    expect(halts()).toEqual(['review']);

    const after = await supervise(b, 'vps-b', expiry + SEC);
    expect(after.stdout).not.toMatch(/^standby/);
    expect(lease()).toMatchObject({ holder: 'vps-b', epoch: 2 });
    expect(halts()).toEqual([]);
    expect(committers()[0]).toBe('standby');

    const old = await supervise(a, 'vps-a', expiry + 2 * SEC);
    expect(old.stdout).toMatch(/^standby, vps-b leads \(epoch 2\)/);
  });

  it("fencing: a deposed leader's atomic push of a decision is rejected, and nothing of it lands on main", async () => {
    // vps-a leads again once vps-b's term is over...
    // (a term after it last saw vps-b's lease change, on its own clock: its look at 'expiry + 2 s' above)
    let now = Date.parse(lease().expiresAt) + 30 * SEC;
    const leader = await takeLead(a, 'origin', 'vps-a', () => now, POLICY);
    expect(leader.kind).toBe('leader');
    const term = lease();
    expect(term).toMatchObject({ holder: 'vps-a', epoch: 3 });
    // vps-b sees that term begin, and counts it on its own clock
    expect((await takeLead(b, 'origin', 'vps-b', () => now, POLICY)).kind).toBe('standby');
    // ...then stalls past its expiry (a long GC pause, a slow disk) while vps-b takes over,
    now += POLICY.durationMs + SEC;
    const usurper = await takeLead(b, 'origin', 'vps-b', () => now, POLICY);
    expect(usurper.kind).toBe('leader');
    expect(lease()).toMatchObject({ holder: 'vps-b', epoch: 4 });
    // ...and wakes up to push the decision it had made as leader.
    const mainBefore = fx.mainSha();
    const leaseBefore = sh(fx.repo.bare, 'git', ['rev-parse', 'control/lease']);
    if (leader.kind !== 'leader') throw new Error('unreachable');
    const push = commitStateFiles(
      a,
      ['factory-state/halts.yaml'],
      () => ({
        changes: {
          'factory-state/halts.yaml':
            'halts:\n  - { role: dev, reason: stale decision, since: 2026-03-02T08:00:00Z, by: vps-a }\n',
        },
        message: "supervisor: a deposed leader's decision",
      }),
      () => leader.fence(),
    );
    await expect(push).rejects.toBeInstanceOf(LeaseLostError);
    await expect(push).rejects.toThrow(/lease lost to vps-b \(epoch 4\)/);
    expect(fx.mainSha()).toBe(mainBefore);
    expect(sh(fx.repo.bare, 'git', ['rev-parse', 'control/lease'])).toBe(leaseBefore);
    expect(sh(fx.repo.bare, 'git', ['log', '--format=%s', 'main'])).not.toContain('deposed');
    // the same push from the rightful leader lands, main and lease together
    if (usurper.kind !== 'leader') throw new Error('unreachable');
    const ok = await commitStateFiles(
      b,
      ['factory-state/STATUS.md'],
      () => ({ changes: { 'factory-state/STATUS.md': 'fenced\n' }, message: 'supervisor: leader writes' }),
      () => usurper.fence(),
    );
    expect(ok.changed).toBe(true);
    await usurper.confirm();
    expect(fx.onMain('factory-state/STATUS.md')).toBe('fenced');
    expect(sh(fx.repo.bare, 'git', ['rev-parse', 'control/lease'])).not.toBe(leaseBefore);
    expect(lease()).toEqual({
      holder: 'vps-b',
      epoch: 4,
      expiresAt: new Date(now + POLICY.durationMs + 1).toISOString(),
    });
  });

  it('two daemons: exactly one leads; when it stops, the other takes over within the lease duration', async () => {
    await shAsync(fx.humanDir, 'git', ['pull', '-q']);
    // short leases so that a real-time takeover fits in a test
    const yaml = sh(fx.humanDir, 'cat', ['factory.yaml']).replace(
      /^supervisor:\n/m,
      'supervisor:\n  lease: { duration: 4s, renewBefore: 2s }\n',
    );
    await import('node:fs').then((fs) => fs.writeFileSync(`${fx.humanDir}/factory.yaml`, yaml));
    sh(fx.humanDir, 'git', ['commit', '-qam', 'short leases']);
    await shAsync(fx.humanDir, 'git', ['push', '-q']);
    // the last term was on the simulated clock, long over in real time: the race starts clean
    expect(Date.parse(lease().expiresAt)).toBeLessThan(Date.now());

    const da = startDaemon(a, [], { ...fx.env, FACTORY_NODE: 'vps-a' });
    let db: ReturnType<typeof startDaemon> | undefined;
    try {
      await da.waitFor(/^factoryctl supervise: leader: /, 20_000);
      db = startDaemon(b, [], { ...fx.env, FACTORY_NODE: 'vps-b' });
      await db.waitFor(
        /^factoryctl supervise: standby: vps-a leads .*committing nothing until the lease expires/,
        20_000,
      );
      // the leader renews on its own, with no cycle due (its interval is a minute)
      const e1 = Date.parse(lease().expiresAt);
      await until(() => Date.parse(lease().expiresAt) > e1 || undefined, 10_000, 'a renewal by vps-a');
      expect(lease().holder).toBe('vps-a');
      expect(db.lines.filter((l) => /supervise: leader: |committed [0-9a-f]+/.test(l))).toEqual([]);

      await da.stop();
      const stoppedAt = Date.now();
      const took = await db.waitFor(/^factoryctl supervise: cycle \(took over the lease/, 20_000);
      expect(took).toContain('vps-a');
      expect(Date.now() - stoppedAt).toBeLessThan(4_000 + 3_000);
      expect(lease().holder).toBe('vps-b');
      await db.waitFor(/^factoryctl supervise: leader: /, 5_000);
    } finally {
      await da.stop();
      await db?.stop();
    }
  });

  /** a time alarm in factory-state/alarms.yaml of `dir`, committed (and pushed when it has a remote) */
  const setTimeAlarm = async (dir: string, id: string, at: number, push: boolean) => {
    const alarm = { id, kind: 'time' as const, at: new Date(at).toISOString(), createdBy: 'tester' };
    writeFileSync(
      `${dir}/factory-state/alarms.yaml`,
      renderAlarmsYaml([{ ...alarm, createdAt: new Date(at - 3_600 * SEC).toISOString() }]),
    );
    sh(dir, 'git', ['add', 'factory-state/alarms.yaml']);
    sh(dir, 'git', ['commit', '-qm', `alarm ${id}`]);
    if (push) await shAsync(dir, 'git', ['push', '-q']);
  };
  const leaseSha = () => sh(fx.repo.bare, 'git', ['rev-parse', 'control/lease']);

  it('a standby a minute ahead, an alarm overdue by its clock: it watches the lease only (no forge request, no cycle) and does not take it while the leader renews; after kill -9 of the leader it takes over a term later; cut off, it stops saying it leads', async () => {
    fx.clock.at = undefined; // the forge on the wall clock
    await shAsync(fx.humanDir, 'git', ['pull', '-q']);
    // (factory.yaml still has the 4 s lease of the test above)
    const da = startDaemon(a, [], { ...fx.env, FACTORY_NODE: 'vps-a' });
    let db: ReturnType<typeof startDaemon> | undefined;
    try {
      await da.waitFor(/^factoryctl supervise: leader: /, 60_000);
      // 45 s away: overdue on the standby's clock, which runs a minute ahead; not yet on the leader's
      await setTimeAlarm(fx.humanDir, 'standup', Date.now() + 45 * SEC, true);
      // The standby's own tokens: every request it makes is refused (401), so the forge's log tells them apart.
      const before = fx.emu.exchanges.length;
      db = startDaemon(b, ['--now', new Date(Date.now() + 60 * SEC).toISOString()], {
        ...fx.env,
        FORGE_TOKEN: 'the-standby-token',
        WP_TOKEN: 'the-standby-token',
        FACTORY_NODE: 'vps-b',
      });
      await db.waitFor(/^factoryctl supervise: standby: vps-a leads /, 60_000);
      // A window of three renewals by the leader, as the git server sees them (no sleep: observed).
      const seen = new Map<string, string>([[leaseSha(), lease().holder]]);
      await until(
        () => {
          const sha = leaseSha();
          if (!seen.has(sha)) seen.set(sha, lease().holder);
          return seen.size > 3 || undefined;
        },
        120_000,
        'three lease renewals by vps-a',
      );
      expect(new Set(seen.values())).toEqual(new Set(['vps-a']));
      const standbyRequests = fx.emu.exchanges.slice(before).filter((e) => e.status === 401);
      expect(standbyRequests.map((e) => `${e.method} ${e.path}`)).toEqual([]);
      // its one cycle stopped at the lease; since then, looks at the lease and nothing else
      expect(db.lines.filter((l) => /supervise: cycle \(/.test(l))).toHaveLength(1);
      expect(db.lines.join('\n')).toMatch(/standby, vps-a leads .*watching the lease only, no API call/);
      expect(db.lines.filter((l) => /supervise: leader: |committed [0-9a-f]+|alarm standup/.test(l))).toEqual([]);
      const stats = readSupervisorStats(b);
      expect(stats).toMatchObject({ calls: 0, budgets: {}, lease: { role: 'standby', holder: 'vps-a' } });
      expect(stats?.lease?.checks).toBeGreaterThan(0);
      expect(stats?.nextWake.reason).toMatch(/standby: a look at the lease/);

      // kill -9: no goodbye. The standby takes over once the lease has not changed for a term on its clock.
      const epoch = lease().epoch;
      da.child.kill('SIGKILL');
      await db.waitFor(/^factoryctl supervise: cycle \(took over the lease: .*vps-a's lease/, 60_000);
      expect(lease()).toMatchObject({ holder: 'vps-b', epoch: epoch + 1 });
      await db.waitFor(/^factoryctl supervise: leader: /, 10_000);
      await until(() => readSupervisorStats(b)?.lease?.role === 'leader' || undefined, 60_000, "vps-b's stats: leader");

      // Cut off from the control remote: it cannot renew, and once its term has passed on its own clock it says so.
      sh(b, 'git', ['remote', 'set-url', 'origin', 'http://127.0.0.1:9/control.git']);
      const cut = db.lines.length;
      await db.waitFor(/^factoryctl supervise: lease: cannot/, 60_000, cut);
      const lapsed = await until(
        () => {
          const s = readSupervisorStats(b);
          return s?.lease?.role === 'standby' ? s : undefined;
        },
        60_000,
        "vps-b's stats: no longer leader",
      );
      expect(lapsed.value.lease).toMatchObject({ holder: 'vps-b', lapsedAt: expect.any(Number) });
      await db.waitFor(/^factoryctl supervise: standby: lease lapsed at .*deciding nothing/, 10_000, cut);
      const status = await factoryctl(['status', '--no-pull'], { cwd: b, env: { ...fx.env, FACTORY_NODE: 'vps-b' } });
      expect(status.stdout).toMatch(/lease: standby \(lease lapsed at \d{4}-\d\d-\d\dT[\d:.]+Z\)/);
      expect(status.stdout).not.toMatch(/lease: leader/);
      sh(b, 'git', ['remote', 'set-url', 'origin', `${fx.git.url}control.git`]);
    } finally {
      da.child.kill('SIGKILL');
      await da.stop();
      await db?.stop();
    }
  });

  it("a time alarm fires by the forge's clock (its Date header), not by a supervisor's clock a minute ahead; status shows the offset", async () => {
    const local = await fx.repo.clone('ahead', `${fx.git.url}control.git`);
    sh(local, 'git', ['remote', 'remove', 'origin']);
    const forgeAt = Date.parse('2026-03-03T10:00:00Z');
    await setTimeAlarm(local, 'review-window', forgeAt + 30 * SEC, false);
    const once = async (forge: number, ours: number) => {
      fx.clock.at = forge;
      const r = await factoryctl(['supervise', '--once', '--json', '--now', new Date(ours).toISOString()], {
        cwd: local,
        env: { ...fx.env, FACTORY_NODE: 'vps-c' },
      });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      return JSON.parse(r.stdout) as { fired: { id: string }[] };
    };
    // due by our clock (a minute ahead), not by the forge's: it waits
    expect((await once(forgeAt, forgeAt + 60 * SEC)).fired).toEqual([]);
    expect(sh(local, 'git', ['show', 'HEAD:factory-state/alarms.yaml'])).toContain('review-window');
    const status = await factoryctl(['status'], { cwd: local, env: { ...fx.env, FACTORY_NODE: 'vps-c' } });
    expect(status.stdout).toMatch(/clock: the forge's Date header puts this clock 6\d\.\d s ahead/);
    // the forge's clock past it: fired
    expect((await once(forgeAt + 31 * SEC, forgeAt + 91 * SEC)).fired).toEqual([
      { id: 'review-window', reason: expect.any(String) },
    ]);
    expect(sh(local, 'git', ['show', 'HEAD:factory-state/alarms.yaml'])).not.toContain('review-window');
  });

  it('without a remote (the embedded default) there is no lease: the one supervisor leads and commits locally', async () => {
    const local = await fx.repo.clone('embedded', `${fx.git.url}control.git`);
    sh(local, 'git', ['remote', 'remove', 'origin']);
    const before = sh(local, 'git', ['rev-parse', 'HEAD']);
    const r = await supervise(local, 'vps-c', Date.now());
    expect(r.stdout).toMatch(/committed [0-9a-f]+;/);
    expect(sh(local, 'git', ['rev-parse', 'HEAD'])).not.toBe(before);
    expect(sh(local, 'git', ['for-each-ref', 'refs/heads/control', 'refs/remotes'])).toBe('');
    expect(r.stderr).not.toMatch(/standby|lease/);
  });
});
