import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY, sh, shAsync } from '../support/control-repo.js';
import { assertAllExchangesMatchSpec } from '../support/emulator/index.js';
import { startSuperviseFixture, type SuperviseFixture } from '../support/supervise-fixture.js';

const PATCH = 'PATCH /agents/{agent_id}';
const MIN = 60_000;

describe('a node at level 2 pauses its Woodpecker agent; back below, the agent takes builds again (real git, emulated Woodpecker)', () => {
  let fx: SuperviseFixture;
  let node: string;
  let agentId: number;
  // Each cycle three minutes after the last, as a pause and its resume are (resumeHold alone is 2 m):
  // STATUS.md's journal keeps minutes, and orders one minute's lines by text.
  let at = Date.parse('2026-03-02T08:00:00Z');
  const patches = () => fx.emu.count({ api: 'woodpecker', route: PATCH });
  let level: { level: number; reason: string; since: string } | undefined;
  /** What vps-small's node daemon commits to telemetry/vps-small before each cycle: its decision, just sampled. */
  const heartbeat = async () => {
    if (!level) return;
    const decision = {
      node: 'vps-small',
      ...level,
      halted: level.level >= 2 ? ['dev', 'review'] : [],
      updatedAt: new Date(at - 5_000).toISOString(),
    };
    writeFileSync(join(node, 'decision.json'), `${JSON.stringify(decision, null, 2)}\n`);
    sh(node, 'git', ['add', '-A']);
    sh(node, 'git', ['commit', '-qm', `telemetry: level ${level.level}`], IDENTITY);
    await shAsync(node, 'git', ['push', '-q', '-f', `${fx.git.url}control.git`, 'HEAD:refs/heads/telemetry/vps-small']);
  };
  const once = async () => {
    at += 3 * MIN;
    fx.clock.at = at;
    await heartbeat();
    const r = await fx.cli(fx.supervisorDir, ['supervise', '--once'], { now: at });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return r;
  };
  /** The node's level from the next cycle on. */
  const setLevel = (to: number, reason: string) => {
    level = { level: to, reason, since: new Date(at + 2 * MIN).toISOString() };
  };
  const statusAgents = async () => {
    const r = await fx.cli(fx.supervisorDir, ['status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { supervisor?: { ciAgents?: unknown[] } }).supervisor?.ciAgents;
  };

  beforeAll(async () => {
    // The emulator's first agent gets id 1: factory.yaml names it before the fixture hands the emulator over.
    fx = await startSuperviseFixture([], (yaml) =>
      yaml.replace(/^nodes:\n/m, 'nodes:\n  vps-small: { roles: [dev, review], woodpeckerAgent: 1 }\n'),
    );
    agentId = fx.emu.woodpecker.createAgent('runner-small', { capacity: 2 }).id;
    expect(agentId).toBe(1);
    node = join(fx.repo.root, 'vps-small');
    mkdirSync(node);
    sh(node, 'git', ['init', '-q', '-b', 'telemetry/vps-small']);
  });
  afterAll(async () => {
    await fx.cleanup();
    await assertAllExchangesMatchSpec(fx.emu);
  });

  it('sends no PATCH while the node has no telemetry, nor while it is at level 0 and the agent already takes builds', async () => {
    await once();
    setLevel(0, 'no pressure');
    await once();
    expect(patches()).toBe(0);
    expect(fx.emu.woodpecker.agents.get(agentId)!.noSchedule).toBe(false);
  });

  it('level 2: the agent gets no_schedule, keeps its name, the journal on main says why, and status --json shows it', async () => {
    setLevel(2, 'memory available 1400 MB < 1500 MB');
    const r = await once();
    expect(patches()).toBe(1);
    expect(fx.emu.woodpecker.agents.get(agentId)).toMatchObject({ name: 'runner-small', noSchedule: true });
    const line =
      'Woodpecker agent 1 (runner-small) of vps-small: no new builds: vps-small at level 2 (memory available 1400 MB < 1500 MB)';
    expect(fx.onMain('factory-state/STATUS.md')).toContain(line);
    expect(r.stdout + r.stderr).toMatch(/1 decisions, committed/);
    expect(await statusAgents()).toEqual([
      expect.objectContaining({ node: 'vps-small', agentId, name: 'runner-small', noSchedule: true, want: true }),
    ]);
  });

  it('run again at level 2: no PATCH (the agent is already paused)', async () => {
    await once();
    expect(patches()).toBe(1);
  });

  it('back at level 0: no_schedule cleared and journaled; run again: no PATCH', async () => {
    setLevel(0, 'no pressure');
    await once();
    expect(patches()).toBe(2);
    expect(fx.emu.woodpecker.agents.get(agentId)).toMatchObject({ name: 'runner-small', noSchedule: false });
    expect(fx.onMain('factory-state/STATUS.md')).toContain(
      'Woodpecker agent 1 (runner-small) of vps-small: takes builds again: vps-small at level 0',
    );
    expect(await statusAgents()).toEqual([expect.objectContaining({ noSchedule: false, want: false })]);
    const before = fx.mainSha();
    await once();
    expect(patches()).toBe(2);
    expect(fx.mainSha(), sh(fx.repo.bare, 'git', ['log', '-1', '-p', 'main'])).toBe(before);
  });

  it('a PATCH the server refuses is a note, not a journal line, and is retried next cycle', async () => {
    setLevel(2, 'memory low');
    const paused = () => fx.onMain('factory-state/STATUS.md').split(': no new builds: ').length - 1;
    expect(paused()).toBe(1);
    const id = fx.emu.faults.add({ api: 'woodpecker', route: PATCH, status: 500 });
    try {
      const r = await once();
      expect(r.stdout + r.stderr).toMatch(/could not PATCH Woodpecker agent 1 \(.*\): retried next cycle/);
      expect(fx.emu.woodpecker.agents.get(agentId)!.noSchedule).toBe(false);
      expect(paused()).toBe(1);
    } finally {
      fx.emu.faults.remove(id);
    }
    await once();
    expect(fx.emu.woodpecker.agents.get(agentId)!.noSchedule).toBe(true);
    expect(paused()).toBe(2);
  });
});
