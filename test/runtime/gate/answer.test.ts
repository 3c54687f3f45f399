import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { answerGate, type GateIo } from '../../../src/runtime/gate/answer.js';
import type { SyncInfo } from '../../../src/domain/gate-decision.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const TEMPLATE = readFileSync(new URL('../../../factory.yaml', import.meta.url), 'utf8');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A control repo's files on disk (the view cache goes to .git/factoryctl), with this node's decision file. */
function controlDir(opts: {
  overrides?: string;
  decisionAgeMs?: number;
  unmarked?: boolean;
  heavySupervisor?: boolean;
}): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'factoryctl-answer-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'factory-state'));
  const marked = opts.unmarked ? TEMPLATE.replace('    protected: true\n', '') : TEMPLATE;
  writeFileSync(
    join(dir, 'factory.yaml'),
    opts.heavySupervisor
      ? marked.replace('the last thing to shut down\n', 'the last thing to shut down\n    heavy: true\n')
      : marked,
  );
  if (opts.overrides) writeFileSync(join(dir, 'factory-state', 'overrides.yaml'), opts.overrides);
  const env = { FACTORY_RUN_DIR: join(dir, 'run'), FACTORY_STATE_DIR: join(dir, 'state') };
  if (opts.decisionAgeMs !== undefined) {
    mkdirSync(env.FACTORY_RUN_DIR);
    const at = new Date(NOW - opts.decisionAgeMs).toISOString();
    writeFileSync(
      join(env.FACTORY_RUN_DIR, 'decision.json'),
      JSON.stringify({
        node: 'vps1',
        level: 1,
        halted: ['dev'],
        reason: 'level 1: MemAvailable 900 MB',
        since: at,
        updatedAt: at,
      }),
    );
  }
  return { dir, env };
}

function io(env: NodeJS.ProcessEnv): GateIo & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return {
    node: 'vps1',
    env,
    json: true,
    now: () => NOW,
    out: (t) => lines.out.push(t),
    err: (t) => lines.err.push(t),
    lines,
  };
}

const HALT_ALL =
  'overrides:\n  - role: all\n    action: halt\n    reason: maintenance\n    by: alice\n    since: "2026-11-25T11:00:00Z"\n';
const fresh: SyncInfo = { pull: 'ok', localOnly: false, lastSyncAt: NOW };
const stale: SyncInfo = { pull: 'failed', pullError: 'timed out', localOnly: false, lastSyncAt: NOW - 3_600_000 };

describe("the gate's answer: control files and this node's decision file -> exit code and a line", () => {
  it.each([
    ['nothing in force: dev runs', {}, 'dev', fresh, 0, { state: 'run' }, null],
    [
      'the node halted dev 30 s ago',
      { decisionAgeMs: 30_000 },
      'dev',
      fresh,
      75,
      { state: 'halt', source: 'node' },
      null,
    ],
    [
      'the node fell silent 10 min ago: its halt is ignored',
      { decisionAgeMs: 600_000 },
      'dev',
      fresh,
      0,
      { state: 'run' },
      /node daemon silent since/,
    ],
    ['halt all: dev halts', { overrides: HALT_ALL }, 'dev', fresh, 75, { state: 'halt', source: 'override' }, null],
    [
      'halt all, supervisor unmarked in factory.yaml: runs',
      { overrides: HALT_ALL, unmarked: true },
      'supervisor',
      fresh,
      0,
      { state: 'run', protected: true },
      null,
    ],
    [
      'an hour stale: heavy dev fails closed',
      {},
      'dev',
      stale,
      75,
      { state: 'halt', by: 'gate' },
      /pull failed \(timed out\)/,
    ],
    [
      'an hour stale: a heavy supervisor, unmarked, still runs',
      { unmarked: true, heavySupervisor: true },
      'supervisor',
      stale,
      0,
      { state: 'run', protected: true },
      /pull failed/,
    ],
  ] as const)('%s', async (_name, files, role, sync, code, json, note) => {
    const { dir, env } = controlDir(files);
    const out = io(env);
    expect(await answerGate({ dir, role, repo: undefined, sync }, out)).toBe(code);
    expect(JSON.parse(out.lines.out[0]!)).toMatchObject({ run: code === 0, role, node: 'vps1', ...json });
    if (note) expect(out.lines.err.join('\n')).toMatch(note);
    expect(out.lines.err.at(-1)).toMatch(new RegExp(`^${role} on vps1: ${code === 0 ? 'run' : 'HALTED'}`));
  });
});
