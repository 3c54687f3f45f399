import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/adapters/http/client.js';
import { createWoodpeckerClient } from '../../../src/adapters/ci/woodpecker.js';
import { assertAllExchangesMatchSpec, startEmulator, type Emulator } from '../../support/emulator/index.js';
import { fakeTiming } from '../../support/fake-timing.js';

let emu: Emulator;
let clock = Date.UTC(2026, 0, 1);
beforeAll(async () => {
  emu = await startEmulator({ now: () => clock });
});
afterAll(async () => {
  await emu.close();
  await assertAllExchangesMatchSpec(emu);
});

const ci = () =>
  createWoodpeckerClient({
    baseUrl: emu.woodpeckerUrl,
    tokenEnv: 'WP',
    env: { WP: emu.woodpeckerToken },
    http: createHttpClient({ timing: fakeTiming() }),
  });

describe('Woodpecker adapter', () => {
  it('reports pipeline times in unix seconds from the server clock, absent until they happen', async () => {
    const repo = emu.woodpecker.createRepo('acme/times');
    const n = emu.woodpecker.createPipeline(repo.id, { number: 940 });
    expect(await ci().getPipeline(repo.id, 940)).toEqual({
      number: 940,
      status: 'pending',
      createdAt: clock / 1000,
      ref: 'refs/heads/main',
      commit: expect.any(String),
    });
    clock += 60_000;
    emu.woodpecker.setPipelineStatus(repo.id, n, 'running');
    clock += 120_000;
    emu.woodpecker.setPipelineStatus(repo.id, n, 'failure');
    const p = await ci().getPipeline(repo.id, 940);
    expect(p).toMatchObject({ status: 'failure', startedAt: p!.createdAt + 60, finishedAt: p!.createdAt + 180 });
  });

  it('lists newest first and honours perPage', async () => {
    const repo = emu.woodpecker.createRepo('acme/list');
    for (let i = 0; i < 5; i++) emu.woodpecker.createPipeline(repo.id);
    expect((await ci().listPipelines(repo.id, { perPage: 2 })).map((p) => p.number)).toEqual([5, 4]);
    expect(await ci().listPipelines(repo.id)).toHaveLength(5);
  });

  it('computes the queue from pipelines across repositories, oldest pending first', async () => {
    const a = emu.woodpecker.createRepo('q/a');
    const b = emu.woodpecker.createRepo('q/b');
    const before = await ci().queueInfo();
    emu.woodpecker.setWorkerCount(4);
    const first = emu.woodpecker.createPipeline(a.id);
    clock += 1000;
    emu.woodpecker.createPipeline(b.id);
    emu.woodpecker.setPipelineStatus(a.id, first, 'running');
    const q = await ci().queueInfo();
    expect(q.stats).toEqual({
      pendingCount: before.stats.pendingCount + 1,
      runningCount: before.stats.runningCount + 1,
      workerCount: 4,
    });
    expect(q.pending.map((t) => t.created)).toEqual(q.pending.map((t) => t.created ?? 0).sort((x, y) => x - y));
  });

  it('answers 404 for a pipeline or repository that does not exist', async () => {
    expect(await ci().getPipeline(9999, 1)).toBeUndefined();
    expect(await ci().lookupRepo('no/such')).toBeUndefined();
  });

  it('injects faults for one repository only', async () => {
    const sick = emu.woodpecker.createRepo('f/sick');
    const fine = emu.woodpecker.createRepo('f/fine');
    emu.faults.add({ api: 'woodpecker', repo: String(sick.id), status: 500 });
    const client = createWoodpeckerClient({
      baseUrl: emu.woodpeckerUrl,
      tokenEnv: 'WP',
      env: { WP: emu.woodpeckerToken },
      http: createHttpClient({ timing: fakeTiming(), retries: 1 }),
    });
    await expect(client.listPipelines(sick.id)).rejects.toMatchObject({ status: 500, attempts: 2 });
    expect(await client.listPipelines(fine.id)).toEqual([]);
    emu.faults.clear();
  });

  it('lists every agent across pages of 50, and PATCHes with the name it read so the agent keeps it', async () => {
    for (let i = 1; i <= 53; i++) emu.woodpecker.createAgent(`runner-${i}`);
    const agents = await ci().listAgents();
    expect(agents).toHaveLength(53);
    expect(emu.exchanges.filter((e) => e.route === 'GET /agents').map((e) => e.query.page)).toEqual([['1'], ['2']]);
    const last = agents.at(-1)!;
    await ci().patchAgent(last.id, { name: last.name, noSchedule: true });
    const sent = emu.exchanges.filter((e) => e.route === 'PATCH /agents/{agent_id}').at(-1)!;
    expect(sent.requestBody).toEqual({ name: 'runner-53', no_schedule: true });
    expect(emu.woodpecker.agents.get(last.id)).toMatchObject({ name: 'runner-53', noSchedule: true });
  });
});
