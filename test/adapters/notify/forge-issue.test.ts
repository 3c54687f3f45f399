import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverNotification, type NotifyDeps } from '../../../src/adapters/notify/deliver.js';
import { ReceiverConfig } from '../../../src/domain/config/receivers-schema.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../../support/emulator/index.js';
import { alertView, notification } from '../../support/notification.js';

let emu: Emulator;
let deps: NotifyDeps;
const REPO = 'acme/ops';
const receiver = ReceiverConfig.parse({ type: 'forge-issue', forge: 'codeberg', repo: REPO });
const issues = () => [...emu.forgejo.repo(REPO).issues.values()];
const closes = () =>
  emu.exchanges.filter(
    (e) =>
      e.method === 'PATCH' && e.status === 201 && (e.requestBody as { state?: string } | undefined)?.state === 'closed',
  ).length;

beforeAll(async () => {
  emu = await startEmulator();
  emu.forgejo.createRepo(REPO);
  deps = {
    env: { FJ_TOKEN: emu.forgejoToken },
    timeoutMs: 10_000,
    forges: { codeberg: { type: 'forgejo', url: emu.forgejoUrl, tokenEnv: 'FJ_TOKEN' } },
  };
});
afterAll(async () => {
  await emu.close();
  await assertAllExchangesMatchSpec(emu);
});

describe('forge-issue receiver, against the spec-checked forge emulator', () => {
  const firing = notification({ id: 'n-open' });
  const again = notification({ id: 'n-repeat', createdAt: '2026-12-02T14:00:30Z' });
  const resolved = notification({
    id: 'n-resolved',
    alerts: [alertView({ status: 'resolved', endsAt: '2026-12-02T15:00:00Z' })],
  });

  it('opens one issue labelled factory-alert, with the fingerprint in its title', async () => {
    const out = await deliverNotification(firing, receiver, deps);
    expect(out).toEqual({ ok: true, ref: `${REPO}#1` });
    expect(issues()).toHaveLength(1);
    const [issue] = issues();
    expect(issue!.title).toBe('node vps2 is down [alert 0123456789abcdef]');
    const labels = issue!.labelIds.map((id) => emu.forgejo.repo(REPO).labels.get(id)?.name);
    expect(labels).toEqual(['factory-alert']);
    expect(issue!.state).toBe('open');
  });

  it('a retried delivery of the same notification opens no second issue and writes nothing', async () => {
    const writes = emu.count({ writes: true });
    expect(await deliverNotification(firing, receiver, deps)).toEqual({ ok: true, ref: `${REPO}#1` });
    expect(issues()).toHaveLength(1);
    // at most a "still firing" comment: the issue's title says which alert it is, not which notification made it
    expect(emu.count({ writes: true }) - writes).toBeLessThanOrEqual(1);
  });

  it('a repeat while it fires comments once, however often it is retried', async () => {
    await deliverNotification(again, receiver, deps);
    await deliverNotification(again, receiver, deps);
    const comments = issues()[0]!.comments.filter((c) => c.body.includes('n-repeat'));
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('Still firing');
  });

  it('resolved: one closing comment and one close, even when the first try failed half-way', async () => {
    emu.faults.add({ route: 'PATCH /repos/{owner}/{repo}/issues/{index}', status: 500, times: 1 });
    const first = await deliverNotification(resolved, receiver, deps);
    expect(first.ok).toBe(false);
    expect(issues()[0]!.state).toBe('open');
    expect(await deliverNotification(resolved, receiver, deps)).toEqual({ ok: true, ref: `${REPO}#1` });
    expect(await deliverNotification(resolved, receiver, deps)).toEqual({ ok: true, ref: `${REPO}#1` });
    const [issue] = issues();
    expect(issue!.state).toBe('closed');
    expect(issue!.comments.filter((c) => c.body.includes('n-resolved'))).toHaveLength(1);
    expect(issue!.comments.at(-1)!.body).toMatch(/^Resolved at 2026-12-02T15:00:00Z/);
    expect(closes()).toBe(1);
    expect(issues()).toHaveLength(1);
  });

  it('the same alert firing again reopens its issue rather than opening another', async () => {
    await deliverNotification(notification({ id: 'n-refire' }), receiver, deps);
    expect(issues()).toHaveLength(1);
    expect(issues()[0]!.state).toBe('open');
  });

  it('a forge that is not configured, or whose token is unset, is a failure that says so', async () => {
    const other = ReceiverConfig.parse({ type: 'forge-issue', forge: 'nowhere', repo: REPO });
    expect(await deliverNotification(firing, other, deps)).toEqual({
      ok: false,
      error: 'forge-issue: forge "nowhere" is not in factory.yaml',
    });
    const out = await deliverNotification(firing, receiver, { ...deps, env: {} });
    expect(out).toMatchObject({ ok: false, error: expect.stringContaining('FJ_TOKEN') });
  });
});
