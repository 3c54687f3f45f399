import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { awaitSyncAnswer, postSyncRequest } from '../../../src/adapters/node/sync-inbox.js';
import type { CycleReport, NodeDaemon } from '../../../src/runtime/node/daemon.js';
import { runLoop } from '../../../src/runtime/node/loop.js';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const REPORT: CycleReport = {
  level: 0,
  halted: ['dev'],
  reason: 'ok',
  roles: {},
  events: [],
  commit: false,
  problems: [],
};

/** A daemon whose first cycle is held until the test lets it go, an hour between samples. */
function stubDaemon() {
  const runDir = mkdtempSync(join(tmpdir(), 'factoryctl-kicks-'));
  temps.push(runDir);
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  let upgraded = false;
  const daemon = {
    paths: { runDir, stateDir: runDir },
    intervalMs: 3_600_000,
    get upgraded() {
      return upgraded;
    },
    async cycle() {
      calls.push('cycle');
      if (calls.filter((c) => c === 'cycle').length === 1) await held;
      return REPORT;
    },
    maybePull: async () => void calls.push('maybePull'),
    pullNow: async () => (calls.push('pullNow'), { ok: true as const }),
    flush: async () => undefined,
    note: () => undefined,
    nextAgentDueAt: () => undefined,
    tickAgents: () => undefined,
    stopAgents: async () => [],
    probeForges: async () => undefined,
    stopProbes: () => undefined,
  } as unknown as NodeDaemon;
  return { daemon, calls, release, end: () => (upgraded = true) };
}

describe('the node loop and sync kicks', () => {
  it('serves a kick that came while a cycle ran: pull, cycle, answer, without waiting for the next sample', async () => {
    const d = stubDaemon();
    const loop = runLoop(d.daemon, { node: 'n1', now: Date.now, log: () => undefined });
    expect(existsSync(join(d.daemon.paths.runDir, 'rpc', 'kick.json'))).toBe(true);
    await until(() => d.calls.includes('cycle'));
    // Mid-cycle: the request, then the signal (emitted here so it lands exactly now; its wake reaches no sleep).
    const id = postSyncRequest(d.daemon.paths);
    process.emit('SIGUSR2', 'SIGUSR2');
    d.release();
    const answer = await awaitSyncAnswer(d.daemon.paths, id, 60_000);
    expect(answer).toMatchObject({ ok: true, pull: { ok: true }, halted: ['dev'], pid: process.pid });
    // The regular cycle's background pull, then the kick's own pull before its cycle.
    expect(d.calls).toEqual(['cycle', 'maybePull', 'pullNow', 'cycle']);
    d.end();
    process.emit('SIGUSR2', 'SIGUSR2');
    await loop;
    expect(existsSync(join(d.daemon.paths.runDir, 'rpc', 'kick.json'))).toBe(false);
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  it('serves a request left from before a start (a restart mid-sync) without any signal', async () => {
    const d = stubDaemon();
    d.release();
    const id = postSyncRequest(d.daemon.paths);
    const loop = runLoop(d.daemon, { node: 'n1', now: Date.now, log: () => undefined });
    expect(await awaitSyncAnswer(d.daemon.paths, id, 60_000)).toMatchObject({ ok: true });
    expect(d.calls.slice(0, 2)).toEqual(['pullNow', 'cycle']);
    d.end();
    process.emit('SIGUSR2', 'SIGUSR2');
    await loop;
  });
});

async function until(check: () => boolean, withinMs = 20_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
