import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY, sh, shAsync } from '../support/control-repo.js';
import { APP, startSuperviseFixture, type SuperviseFixture } from '../support/supervise-fixture.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
/** available memory at the end of each 15-minute roll-up, from 05:00 to 07:45 */
const READINGS = [3010, 2990, 2840, 2700, 2120, 1480, 1475, 1900, 2460, 2990, 3000, 3015];

describe("STATUS.md charts come from the nodes' telemetry branches (real git server)", () => {
  let fx: SuperviseFixture;
  let node: string;
  const supervise = async (at: number) => {
    const r = await fx.cli(fx.supervisorDir, ['supervise', '--once'], { now: at });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return r;
  };
  /** What a node daemon commits: history.jsonl, sample.json, journal.jsonl, decision.json on telemetry/vps-mem. */
  const pushTelemetry = async (history: [number, number][], sample: [number, number], journal: object[]) => {
    writeFileSync(
      join(node, 'history.jsonl'),
      history
        .map(([to, min]) =>
          JSON.stringify({
            from: iso(to - 15 * MIN),
            to: iso(to),
            samples: 90,
            memAvailableMb: { min, avg: min + 40, max: min + 80 },
            swapUsedMbMax: 0,
            diskUsedPercentMax: {},
            load1Max: 0.4,
            levelMax: 0,
          }),
        )
        .join('\n') + '\n',
    );
    writeFileSync(
      join(node, 'sample.json'),
      JSON.stringify(
        { at: sample[0], memAvailableMb: sample[1], memTotalMb: 4000, swapUsedMb: 0, disks: [], load1: 0.2, cores: 2 },
        null,
        2,
      ),
    );
    writeFileSync(join(node, 'journal.jsonl'), journal.map((e) => JSON.stringify(e)).join('\n') + '\n');
    writeFileSync(
      join(node, 'decision.json'),
      JSON.stringify(
        {
          node: 'vps-mem',
          level: 0,
          halted: [],
          reason: 'no pressure',
          since: iso(T0 - 4 * 60 * MIN),
          updatedAt: iso(sample[0]),
        },
        null,
        2,
      ),
    );
    sh(node, 'git', ['add', '-A']);
    sh(node, 'git', ['commit', '-qm', 'telemetry'], IDENTITY);
    await shAsync(node, 'git', ['push', '-q', '-f', `${fx.git.url}control.git`, 'HEAD:refs/heads/telemetry/vps-mem']);
  };
  const halt = (at: number, kind: string) => ({
    at: iso(at),
    kind,
    role: 'dev',
    from: 'none',
    to: 'node',
    reason: 'memory low',
  });

  beforeAll(async () => {
    fx = await startSuperviseFixture([]);
    // work in flight keeps every interval at its minimum: the schedule makes no decision of its own here
    fx.emu.forgejo.createPull(APP, { title: 'feature', headSha: 'c0ffee'.padEnd(40, '0') });
    node = join(fx.repo.root, 'vps-mem');
    mkdirSync(node);
    sh(node, 'git', ['init', '-q', '-b', 'telemetry/vps-mem']);
  });
  afterAll(async () => {
    await fx.cleanup();
  });

  it("draws a node's memory history as a Mermaid xychart line, lowest of each bucket, and its journal's halts as Gantt bars", async () => {
    const history = READINGS.map((mb, i): [number, number] => [T0 - 3 * 60 * MIN + i * 15 * MIN, mb]);
    await pushTelemetry(
      history,
      [T0 + 2 * MIN, 2810],
      [halt(T0 - 135 * MIN, 'role-halted'), halt(T0 - 90 * MIN, 'role-resumed')],
    );
    await supervise(T0 + 2 * MIN);
    const status = fx.onMain('factory-state/STATUS.md');
    const chart =
      /```mermaid\nxychart-beta\n {2}title "vps-mem: available memory[^\n]*\n {2}x-axis [^\n]* 1 --> (\d+)\n {2}y-axis "MB" 0 --> (\d+)\n {2}line \[([^\]]*)\]\n```/.exec(
        status,
      );
    expect(chart, status).not.toBeNull();
    const expected = [...READINGS, 2810].map((mb) => Math.floor(mb / 50) * 50);
    expect(chart![3]!.split(', ').map(Number)).toEqual(expected);
    expect(Number(chart![1])).toBe(expected.length);
    expect(Number(chart![2])).toBeGreaterThanOrEqual(Math.max(...expected));
    expect(status).toMatch(/ {2}section dev\n {2}vps-mem :done, 2026-03-02 05:45, 2026-03-02 06:30/);
  });

  it('keeps commits rare: a new reading changes only the chart, so no commit within the hour; the hourly refresh then writes it', async () => {
    const history = READINGS.map((mb, i): [number, number] => [T0 - 3 * 60 * MIN + i * 15 * MIN, mb]);
    history.push([T0 + 15 * MIN, 1210]);
    await pushTelemetry(
      history,
      [T0 + 20 * MIN, 1230],
      [halt(T0 - 135 * MIN, 'role-halted'), halt(T0 - 90 * MIN, 'role-resumed')],
    );
    const before = fx.mainSha();
    const quiet = await supervise(T0 + 20 * MIN);
    expect(quiet.stdout).toContain('nothing changed, no commit');
    expect(fx.mainSha()).toBe(before);

    await pushTelemetry(
      history,
      [T0 + 70 * MIN, 1230],
      [halt(T0 - 135 * MIN, 'role-halted'), halt(T0 - 90 * MIN, 'role-resumed')],
    );
    await supervise(T0 + 70 * MIN);
    expect(fx.mainSha()).not.toBe(before);
    // 08:00 carries the 07:45 reading over the gap; 08:15 reads 1210, 09:10's sample 1230: each 1200 in 50 MB steps
    expect(fx.onMain('factory-state/STATUS.md')).toMatch(/line \[[^\]]*, 3000, 3000, 1200, 1200, 1200, 1200\]/);
    expect(sh(fx.repo.bare, 'git', ['log', '-1', '--format=%s', 'main'])).toBe(
      'supervisor: STATUS.md, charts refreshed',
    );
  });
});
