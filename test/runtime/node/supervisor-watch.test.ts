import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullOutcome } from '../../../src/adapters/git/pull.js';
import { startHttpRecorder, type HttpRecorder } from '../../support/http-recorder.js';
import { nodeHarness, T0 } from './node-harness.js';

let hook: HttpRecorder;
const stateDir = mkdtempSync(join(tmpdir(), 'factoryctl-watch-'));
beforeAll(async () => void (hook = await startHttpRecorder()));
afterAll(async () => {
  await hook.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const MIN = 60_000;

describe("watching the watcher: the node raises 'supervisor down' itself", () => {
  it('pages once per outage, across a restart and a failed pull, and once resolved when the lease moves again', async () => {
    const world = { sha: 'a'.repeat(40), pull: { ok: true } as PullOutcome };
    const opts = {
      stateDir,
      pull: async () => world.pull,
      lease: async () => ({ sha: world.sha, holder: 'vps1' }),
      alerts: {
        receivers: { phone: { type: 'webhook', format: 'ntfy', url: `${hook.url}/factory` } },
        watch: { supervisorDownAfter: '10m' },
      },
    };
    const look = async (h: Awaited<ReturnType<typeof nodeHarness>>, minutes: number) => {
      h.clock.now = T0 + minutes * MIN;
      await h.daemon.maybePull(true);
    };
    const titles = () => hook.requests.map((r) => r.headers.title);

    const h = await nodeHarness(opts);
    await look(h, 0);
    await look(h, 5);
    expect(hook.requests).toHaveLength(0);
    world.sha = 'b'.repeat(40); // a renewal: the clock starts again
    await look(h, 9);
    await look(h, 18);
    expect(hook.requests).toHaveLength(0);
    await look(h, 19);
    expect(titles()).toEqual(['[FIRING] supervisor vps1 is down: no lease renewal for 10m']);
    expect(hook.requests[0]!.headers.priority).toBe('5');
    expect(hook.requests[0]!.body).toContain('Seen from node n1');
    await look(h, 25);

    const restarted = await nodeHarness(opts);
    await look(restarted, 30);
    world.pull = { ok: false, error: 'forge down', timedOut: true };
    world.sha = 'c'.repeat(40); // not seen: the pull failed
    await look(restarted, 31);
    expect(hook.requests).toHaveLength(1);

    world.pull = { ok: true };
    await look(restarted, 32);
    expect(titles()).toEqual([
      '[FIRING] supervisor vps1 is down: no lease renewal for 10m',
      '[RESOLVED] supervisor vps1 is back',
    ]);
    expect(hook.requests[1]!.headers.priority).toBe('3');
    await look(restarted, 40);
    expect(hook.requests).toHaveLength(2);
    const state = JSON.parse(readFileSync(join(stateDir, 'supervisor-watch.json'), 'utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({ sha: 'c'.repeat(40), outbox: [] });
    expect(state.down).toBeUndefined();
  });

  it('of two live nodes only the first by name pages; the other journals whom it left the page to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'factoryctl-watch-peer-'));
    const before = hook.requests.length;
    const peer = { tip: 0 };
    const h = await nodeHarness({
      stateDir: dir,
      pull: async () => ({ ok: true }),
      lease: async () => ({ sha: 'd'.repeat(40), holder: 'vps1' }),
      // n0's telemetry moves on every look: it is alive, and it sorts before n1.
      peerTips: async () => ({ n0: `tip-${peer.tip++}`, n1: 'own' }),
      alerts: {
        receivers: { phone: { type: 'webhook', format: 'ntfy', url: `${hook.url}/factory` } },
        watch: { supervisorDownAfter: '10m' },
      },
    });
    for (const minutes of [0, 5, 11, 20]) {
      h.clock.now = T0 + minutes * MIN;
      await h.daemon.maybePull(true);
    }
    expect(hook.requests.length).toBe(before);
    // The node's journal, committed with its next telemetry, says who pages.
    await h.daemon.cycle();
    expect(JSON.stringify(h.commits.map((c) => c.update.events))).toMatch(/paged by node n0, alive and first by name/);
    rmSync(dir, { recursive: true, force: true });
  });
});
