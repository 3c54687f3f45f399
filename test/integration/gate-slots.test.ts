import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, factoryctl } from '../support/cli.js';
import { makeControlRepo } from '../support/control-repo.js';

const FACTORY = `version: 1
name: caps
roles:
  dev: { haltLevel: 1, heavy: true, maxConcurrentPerRepo: 1 }
  review: { haltLevel: 2, maxConcurrent: 3 }
  gardener: {}
  supervisor: { protected: true }
nodes:
  default: { roles: [dev, review, gardener, supervisor], control: [halt-files] }
`;

/** Waits for a condition, with a bound; no sleep stands in for it. */
async function until(what: string, ok: () => boolean, boundMs = 20_000): Promise<void> {
  const end = Date.now() + boundMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('gate ROLE -- COMMAND holds a slot: a cap of 3, a kernel lock freed by kill -9', () => {
  const fx = makeControlRepo({ factoryYaml: FACTORY });
  const dir = join(fx.root, 'seed');
  const marks = join(fx.root, 'marks');
  mkdirSync(marks);
  const env = { ...process.env, FACTORY_NODE: 'n1', FACTORY_RUN_DIR: join(fx.root, 'run') };
  const gates: { child: ChildProcess; code?: number; stderr: string; mark: string }[] = [];
  const start = (n: number, role = 'review', repo?: string) => {
    const mark = join(marks, String(n));
    const args = [BIN, 'gate', role, ...(repo ? ['--repo', repo] : []), '--no-pull', '--'];
    const cmd = ['sh', '-c', 'echo $$ > "$0.tmp" && mv "$0.tmp" "$0" && exec sleep 300', mark];
    const child = spawn(process.execPath, [...args, ...cmd], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const g: (typeof gates)[number] = { child, stderr: '', mark };
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (g.stderr += d));
    child.on('close', (code, signal) => (g.code = code ?? (signal ? 128 + 9 : 0)));
    gates.push(g);
    return g;
  };
  const pidOf = (g: { mark: string }) => Number(readFileSync(g.mark, 'utf8'));
  afterAll(async () => {
    for (const g of gates) {
      try {
        process.kill(pidOf(g), 'SIGKILL');
      } catch {
        // never ran, or already gone
      }
    }
    // Each gate records its run's exit in the run dir as it ends: removed only once they are all gone.
    await Promise.all(
      gates.map((g) => (g.child.exitCode !== null || g.child.signalCode !== null ? undefined : once(g.child, 'close'))),
    );
    fx.cleanup();
  });

  it('four at once: exactly three run, the fourth answers 75 "3 of 3 running"; kill -9 frees a slot at once', async () => {
    const four = [1, 2, 3, 4].map((n) => start(n));
    await until('three running and one refused', () => {
      const running = four.filter((g) => existsSync(g.mark)).length;
      const refused = four.filter((g) => g.code !== undefined).length;
      return running === 3 && refused === 1;
    });
    const refused = four.find((g) => g.code !== undefined)!;
    expect(refused.code).toBe(75);
    expect(refused.stderr).toContain('review: 3 of 3 running');
    expect(existsSync(refused.mark)).toBe(false);

    const victim = four.find((g) => existsSync(g.mark))!;
    process.kill(pidOf(victim), 'SIGKILL');
    await until('the killed run to end', () => victim.code !== undefined);
    const fifth = start(5);
    await until('the fifth to run or be refused', () => existsSync(fifth.mark) || fifth.code !== undefined);
    expect(fifth.code).toBeUndefined();
    expect(existsSync(fifth.mark)).toBe(true);
  });

  it('a per-repository cap: one dev per repository, another repository still runs', async () => {
    const a = start(6, 'dev', 'o/a');
    await until('dev for o/a to run', () => existsSync(a.mark));
    const again = await factoryctl(['gate', 'dev', '--repo', 'o/a', '--no-pull', '--', 'true'], { cwd: dir, env });
    expect(again.code).toBe(75);
    expect(again.stderr).toContain('dev for o/a: 1 of 1 running');
    expect(
      (await factoryctl(['gate', 'dev', '--repo', 'o/b', '--no-pull', '--', 'true'], { cwd: dir, env })).code,
    ).toBe(0);
  });

  it('passes the command its flags and returns its exit code; the plain gate still answers 0', async () => {
    const r = await factoryctl(
      ['gate', 'gardener', '--no-pull', '--', 'sh', '-c', 'echo "$1"; exit 3', 'sh', '--json'],
      {
        cwd: dir,
        env,
      },
    );
    expect(r.code).toBe(3);
    expect(r.stdout.trim()).toBe('--json');
    expect((await factoryctl(['gate', 'supervisor', '--no-pull'], { cwd: dir, env })).code).toBe(0);
  });
});
