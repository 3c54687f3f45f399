import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createForgejoClient, normalizeColor } from '../../../src/adapters/forge/forgejo.js';
import { createHttpClient } from '../../../src/adapters/http/client.js';
import {
  assertAllExchangesMatchSpec,
  startEmulator,
  type Emulator,
  type StatusState,
} from '../../support/emulator/index.js';
import { fakeTiming } from '../../support/fake-timing.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
  await assertAllExchangesMatchSpec(emu);
});

const client = (token = emu.forgejoToken, concurrency = 4) => {
  const http = createHttpClient({ timing: fakeTiming(), concurrency });
  return {
    http,
    forge: createForgejoClient({
      baseUrl: `${emu.forgejoUrl}/`,
      tokenEnv: 'FORGE_TOKEN',
      env: { FORGE_TOKEN: token },
      http,
    }),
  };
};

describe('Forgejo adapter', () => {
  it('refuses to start without its token variable, naming the variable and not a value', () => {
    expect(() =>
      createForgejoClient({ baseUrl: emu.forgejoUrl, tokenEnv: 'NOPE_TOKEN', env: {}, http: createHttpClient() }),
    ).toThrow(/NOPE_TOKEN/);
  });

  it('rejects a repository that is not owner/name before any call', async () => {
    const { forge, http } = client();
    await expect(forge.listLabels('just-a-name')).rejects.toThrow(/owner\/name/);
    expect(http.stats().reads).toBe(0);
  });

  it('follows pages until X-Total-Count: 120 labels in 3 calls', async () => {
    emu.forgejo.createRepo('acme/many');
    for (let i = 0; i < 120; i++) emu.forgejo.createLabel('acme/many', { name: `l${i}`, color: '00aabb' });
    const { forge, http } = client();
    const labels = await forge.listLabels('acme/many');
    expect(labels.map((l) => l.name)).toEqual(Array.from({ length: 120 }, (_, i) => `l${i}`));
    expect(http.stats().reads).toBe(3);
  });

  it.each<[string, StatusState[], string]>([
    ['no status', [], ''],
    ['all success', ['success', 'success'], 'success'],
    ['one pending', ['success', 'pending'], 'pending'],
    ['failure beats pending', ['pending', 'failure'], 'failure'],
    ['error beats failure', ['failure', 'error'], 'error'],
    ['warning beats success', ['success', 'warning'], 'warning'],
  ])('combined status with %s is "%s"', async (_what, states, expected) => {
    const repo = `acme/cs-${states.join('-') || 'none'}`;
    emu.forgejo.createRepo(repo);
    states.forEach((state, i) => emu.forgejo.setStatus(repo, 'abc123', { state, context: `ctx${i}` }));
    expect(await client().forge.combinedStatus(repo, 'abc123')).toBe(expected);
  });

  it('reads the latest status of each context only', async () => {
    emu.forgejo.createRepo('acme/latest');
    emu.forgejo.setStatus('acme/latest', 'f00', { state: 'failure', context: 'ci' });
    emu.forgejo.setStatus('acme/latest', 'f00', { state: 'success', context: 'ci' });
    expect(await client().forge.combinedStatus('acme/latest', 'f00')).toBe('success');
  });

  it('filters issues by label and state, never returning PRs', async () => {
    emu.forgejo.createRepo('acme/issues');
    const ready = emu.forgejo.createIssue('acme/issues', { title: 'ready', labels: ['backlog'] });
    emu.forgejo.createIssue('acme/issues', { title: 'other', labels: ['bug'] });
    const done = emu.forgejo.createIssue('acme/issues', { title: 'done', labels: ['backlog'], closed: true });
    emu.forgejo.createPull('acme/issues', { title: 'a PR' });
    const { forge } = client();
    expect(
      (await forge.listIssues('acme/issues', { state: 'open', labels: ['backlog'] })).map((i) => i.number),
    ).toEqual([ready]);
    expect((await forge.listIssues('acme/issues', { state: 'closed' })).map((i) => i.number)).toEqual([done]);
    expect(await forge.listIssues('acme/issues', { state: 'all' })).toHaveLength(3);
  });

  it('reconciles 50 repositories with injected latency; a bad token fails alone', async () => {
    const repos = Array.from({ length: 50 }, (_, i) => `fleet/r${String(i).padStart(2, '0')}`);
    repos.forEach((r) => emu.forgejo.createRepo(r));
    emu.forgejo.setToken('fleet/r13', 'rotated');
    emu.faults.add({ api: 'forgejo', latencyMs: 15 });
    const { forge, http } = client(emu.forgejoToken, 8);
    const results = await Promise.allSettled(
      repos.map(async (r) => {
        await forge.createLabel(r, { name: 'ready', color: '#0e8a16', description: 'ready for an agent' });
        return forge.listLabels(r);
      }),
    );
    emu.faults.clear();
    const failed = results.flatMap((res, i) =>
      res.status === 'rejected' ? [[repos[i], (res.reason as { status: number }).status]] : [],
    );
    expect(failed).toEqual([['fleet/r13', 401]]);
    expect(emu.forgejo.repo('fleet/r07').labels.size).toBe(1);
    expect(http.stats()).toMatchObject({ writes: 50, reads: 49, retries: 0 });
  });

  it('normalises colours the way the forge compares them', () => {
    expect(['#ABCDEF', 'abcdef', 'abc', '#AbC'].map(normalizeColor)).toEqual([
      '#abcdef',
      '#abcdef',
      '#aabbcc',
      '#aabbcc',
    ]);
  });
});
