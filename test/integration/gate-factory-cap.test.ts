import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { makeControlRepo } from '../support/control-repo.js';
import { waitFor } from '../support/node-fixture.js';

// At most three reviews at once in the whole factory, over two machines; per repository slots placed
// by the supervisor: two on vps1, one on vps2.
const FACTORY = stringify({
  version: 1,
  name: 'factory-cap',
  roles: { reviewer: { haltLevel: 2, maxConcurrentFactory: 3 }, supervisor: { protected: true } },
  nodes: { vps1: { roles: ['reviewer', 'supervisor'] }, vps2: { roles: ['reviewer', 'supervisor'] } },
});
const slot = (node: string) => ({ node, reason: 'most room', candidates: {} });
const ASSIGNMENTS = stringify({
  decidedAt: '2026-12-02T10:00:00.000Z',
  slots: { 'reviewer@o/a': slot('vps1'), 'reviewer@o/b': slot('vps2'), 'reviewer@o/c': slot('vps1') },
});

describe('roles.<role>.maxConcurrentFactory holds across nodes: each gate holds its share', () => {
  const fx = makeControlRepo({ factoryYaml: FACTORY, files: { 'factory-state/assignments.yaml': ASSIGNMENTS } });
  const dir = join(fx.root, 'seed');
  const marks = join(fx.root, 'marks');
  mkdirSync(marks);
  const gates: { child: ChildProcess; code?: number; stderr: string; mark: string }[] = [];
  const start = (n: number, node: string, repo: string) => {
    const mark = join(marks, String(n));
    const env = { ...process.env, FACTORY_NODE: node, FACTORY_RUN_DIR: join(fx.root, node, 'run') };
    const args = [BIN, 'gate', 'reviewer', '--repo', repo, '--no-pull', '--'];
    const cmd = ['sh', '-c', 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec sleep 300', mark];
    const child = spawn(process.execPath, [...args, ...cmd], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const g: (typeof gates)[number] = { child, stderr: '', mark };
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (g.stderr += d));
    child.on('close', (code, signal) => (g.code = code ?? (signal ? 128 + 9 : 0)));
    gates.push(g);
    return g;
  };
  const pidOf = (g: { mark: string }) => Number(readFileSync(g.mark, 'utf8'));
  afterAll(() => {
    for (const g of gates) {
      try {
        process.kill(pidOf(g), 'SIGKILL');
      } catch {
        // never ran, or already gone
      }
    }
    fx.cleanup();
  });

  it('two on vps1, two on vps2: exactly three run in the factory; kill -9 on vps2 frees its share', async () => {
    const vps1 = [start(1, 'vps1', 'o/a'), start(2, 'vps1', 'o/c')];
    const vps2 = [start(3, 'vps2', 'o/b'), start(4, 'vps2', 'o/b')];
    const all = [...vps1, ...vps2];
    await waitFor(
      'three running and one refused',
      () => all.filter((g) => existsSync(g.mark)).length === 3 && all.filter((g) => g.code !== undefined).length === 1,
      60_000,
    );
    expect(vps1.every((g) => existsSync(g.mark))).toBe(true);
    const refused = vps2.find((g) => g.code !== undefined)!;
    expect(refused.code).toBe(75);
    expect(refused.stderr).toContain("reviewer (this node's 1 of the factory's 3 (vps1 2)): 1 of 1 running");

    const running = vps2.find((g) => existsSync(g.mark))!;
    process.kill(pidOf(running), 'SIGKILL');
    await waitFor('the killed run to end', () => running.code !== undefined);
    const next = start(5, 'vps2', 'o/b');
    await waitFor('the next to run or be refused', () => existsSync(next.mark) || next.code !== undefined);
    expect(next.code).toBeUndefined();
    // vps1 has no room left either: its share is full
    const third = start(6, 'vps1', 'o/a');
    await waitFor('the third on vps1 refused', () => third.code !== undefined);
    expect(third.code).toBe(75);
    expect(existsSync(third.mark)).toBe(false);
  });
});
