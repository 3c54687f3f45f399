// `factoryctl logs` against real parts: a git server on loopback, two nodes' telemetry branches
// written by the node daemon's own journal and branch writer, the supervisor's STATUS.md on main.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelemetryBranch, type TelemetryBranch } from '../../src/adapters/telemetry/branch.js';
import { createJournal, type Journal } from '../../src/runtime/node/journal.js';
import { cleanupAll } from '../support/cleanup.js';
import { BIN, factoryctl } from '../support/cli.js';
import { IDENTITY, makeControlRepo, sh, shAsync, type ControlRepoFixture } from '../support/control-repo.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { waitFor } from '../support/node-fixture.js';

const T0 = Date.parse('2026-11-30T08:00:00Z');
const at = (s: number) => T0 + s * 1000;

interface FakeNode {
  name: string;
  clock: { now: number };
  journal: Journal;
  branch: TelemetryBranch;
}

describe('factoryctl logs over two nodes and the supervisor', () => {
  let fixture: ControlRepoFixture;
  let server: GitServer;
  let reader: string;
  let admin: string;
  const nodes: FakeNode[] = [];
  const children: ChildProcess[] = [];

  async function startNodeWriter(name: string): Promise<FakeNode> {
    const dir = await fixture.clone(name, `${server.url}control.git`);
    const clock = { now: T0 };
    const journal = createJournal(
      () => clock.now,
      () => undefined,
    );
    const branch = createTelemetryBranch({
      dir,
      node: name,
      keepSamples: 10,
      maxBranchKiB: 256,
      pushTimeoutMs: 10_000,
      now: () => clock.now,
    });
    await branch.prepare();
    return { name, clock, journal, branch };
  }

  /** The node journals an event at `second` and commits and pushes it, as its daemon's cycle does. */
  async function event(n: FakeNode, second: number, kind: string, reason: string, role?: string) {
    n.clock.now = at(second);
    if (role) n.journal.add({ at: new Date(n.clock.now).toISOString(), kind, reason, role });
    else n.journal.note(kind, reason);
    const iso = new Date(n.clock.now).toISOString();
    await n.branch.commit(
      [
        {
          sample: undefined,
          decision: { node: n.name, level: 0, halted: [], reason, since: iso, updatedAt: iso },
          roles: { dev: { state: 'run', source: 'none' } },
          events: n.journal.take(),
          rollup: undefined,
        },
      ],
      `telemetry ${n.name}: ${kind}`,
    );
    expect(await n.branch.push()).toMatchObject({ ok: true });
  }

  beforeAll(async () => {
    fixture = makeControlRepo();
    server = await startGitServer(fixture.srv);
    nodes.push(await startNodeWriter('n1'), await startNodeWriter('n2'));
    const [n1, n2] = nodes as [FakeNode, FakeNode];
    await event(n1, 0, 'level-changed', 'level 1: MemAvailable 900 MB < 1000 MB');
    await event(n2, 10, 'role-halted', 'level 2: disk / 93% > 90%', 'review');
    await event(n1, 20, 'role-halted', 'level 1: MemAvailable 900 MB < 1000 MB', 'dev');
    await event(n2, 30, 'level-changed', 'no pressure: every signal within limits');
    // The supervisor's decisions, as STATUS.md keeps them on main (minute resolution).
    admin = await fixture.clone('admin', `${server.url}control.git`);
    writeFileSync(
      join(admin, 'factory-state', 'STATUS.md'),
      '# Factory\n\n## Recent decisions\n\n- 2026-11-30 08:01 UTC: review halted: CI overloaded (12 pipelines waiting)\n' +
        '- 2026-11-29 07:00 UTC: dev moved from n2 to n1\n',
    );
    sh(admin, 'git', ['add', '-A']);
    sh(admin, 'git', ['commit', '-qm', 'status'], IDENTITY);
    await shAsync(admin, 'git', ['push', '-q', 'origin', 'main']);
    reader = await fixture.clone('reader', `${server.url}control.git`);
  });
  afterAll(() =>
    cleanupAll([...children.map((c) => () => void c.kill('SIGKILL')), () => server?.close(), () => fixture?.cleanup()]),
  );

  const logs = async (...args: string[]) => {
    const r = await factoryctl(['logs', ...args], { cwd: reader });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim().split('\n');
  };
  const json = async (...args: string[]) =>
    (await logs('--json', ...args)).filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);

  it('merges both nodes and the supervisor in time order, one line each within 80 columns', async () => {
    const lines = await logs('--since', '2026-11-30T00:00:00Z');
    expect(lines[0]).toMatch(/^TIME \(UTC\)\s+NODE\s+SRC\s+EVENT\s+REASON$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(2, 5).join(' '))).toEqual([
      'n1 node level-changed',
      'n2 node role-halted',
      'n1 node role-halted',
      'n2 node level-changed',
      '- sup decision',
    ]);
    expect(lines[2]).toContain('review: level 2: disk / 93% > 90%');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('--json: one object per line, every field, ISO times', async () => {
    const events = await json();
    expect(events.map((e) => [e.at, e.node, e.source, e.event])).toEqual([
      ['2026-11-29T07:00:00.000Z', null, 'supervisor', 'decision'],
      [new Date(at(0)).toISOString(), 'n1', 'node', 'level-changed'],
      [new Date(at(10)).toISOString(), 'n2', 'node', 'role-halted'],
      [new Date(at(20)).toISOString(), 'n1', 'node', 'role-halted'],
      [new Date(at(30)).toISOString(), 'n2', 'node', 'level-changed'],
      ['2026-11-30T08:01:00.000Z', null, 'supervisor', 'decision'],
    ]);
    expect(events[2]).toMatchObject({ role: 'review', reason: 'level 2: disk / 93% > 90%' });
  });

  it.each([
    { flags: ['--node', 'n1'], expected: ['- dev moved from n2 to n1', 'n1 level-changed', 'n1 role-halted'] },
    {
      flags: ['--role', 'review'],
      expected: ['n2 role-halted', '- review halted: CI overloaded (12 pipelines waiting)'],
    },
    {
      flags: ['--since', '2026-11-30T08:00:15Z', '--until', '2026-11-30T08:00:30Z'],
      expected: ['n1 role-halted', 'n2 level-changed'],
    },
    { flags: ['--until', '2026-11-30T00:00:00Z'], expected: ['- dev moved from n2 to n1'] },
    { flags: ['--since', '1h'], expected: [] },
  ])('filters: $flags', async ({ flags, expected }) => {
    const events = await json(...flags);
    expect(events.map((e) => (e.node ? `${e.node} ${e.event}` : `- ${e.reason}`))).toEqual(expected);
  });

  it('rejects a bad time with a usage error (64)', async () => {
    const r = await factoryctl(['logs', '--since', 'yesterday'], { cwd: reader });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--since: not a time or a duration: yesterday');
  });

  it('--follow prints each new event as it lands, and never one twice', async () => {
    const child = spawn(process.execPath, [BIN, 'logs', '--follow', '--interval', '100ms', '--json'], {
      cwd: reader,
      env: { ...process.env, FACTORY_NODE: 'reader' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const printed = () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, string>);
    await waitFor('the six events there before', () => printed().length >= 6, 60_000);
    const [n1, n2] = nodes as [FakeNode, FakeNode];
    await event(n2, 40, 'role-resumed', 'no pressure: every signal within limits', 'review');
    await waitFor('n2 role-resumed, fetched', () => printed().some((e) => e.event === 'role-resumed'), 60_000);
    // Later fetches bring the same journals again: a second event that lands shows they were read and not repeated.
    await event(n1, 50, 'role-resumed', 'no pressure: every signal within limits', 'dev');
    await waitFor(
      'n1 role-resumed, fetched',
      () => printed().filter((e) => e.event === 'role-resumed').length >= 2,
      60_000,
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited, err).toBe(0);
    const keys = printed().map((e) => JSON.stringify(e));
    expect(new Set(keys).size).toBe(keys.length);
    expect(
      printed()
        .slice(6)
        .map((e) => `${e.node} ${e.event} ${e.role}`),
    ).toEqual(['n2 role-resumed review', 'n1 role-resumed dev']);
  });

  it('the default path shows a telemetry event and a main change pushed since the last read, in one fetch', async () => {
    await logs();
    const [n1] = nodes as [FakeNode];
    await event(n1, 70, 'level-changed', 'level 0: every signal within limits');
    const status = join(admin, 'factory-state', 'STATUS.md');
    writeFileSync(
      status,
      readFileSync(status, 'utf8').replace('## Recent decisions\n\n', '$&- 2026-11-30 08:02 UTC: dev resumed on n1\n'),
    );
    sh(admin, 'git', ['commit', '-qam', 'status: dev resumed'], IDENTITY);
    await shAsync(admin, 'git', ['push', '-q', 'origin', 'main']);
    const before = server.log.length;
    const events = await json('--since', '2026-11-30T08:01:05Z');
    expect(events.map((e) => (e.node ? `${e.node} ${e.event}` : `- ${e.reason}`))).toEqual([
      'n1 level-changed',
      '- dev resumed on n1',
    ]);
    // STATUS.md is read from the work tree: the decision shows main was moved, not only fetched.
    expect(sh(reader, 'git', ['rev-parse', 'HEAD'])).toBe(sh(admin, 'git', ['rev-parse', 'HEAD']));
    const fetches = server.log
      .slice(before)
      .filter((r) => r.startsWith('GET ') && r.includes('/info/refs?service=git-upload-pack'));
    expect(fetches).toHaveLength(1);
  });
});
