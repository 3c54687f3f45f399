import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factoryctl } from '../support/cli.js';
import { sh } from '../support/control-repo.js';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

/** Waits until the output so far matches, or fails after the bound (no fixed sleeps). */
async function waitFor(output: () => string, pattern: RegExp, boundMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!pattern.test(output())) {
    if (Date.now() - start > boundMs)
      throw new Error(`not seen within ${boundMs} ms: ${pattern}\n--- output ---\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('factoryctl run: the embedded default', () => {
  let checkout: string;
  let child: ChildProcess;
  let output = '';
  const control = () => join(checkout, '.factoryctl', 'control');

  beforeAll(() => {
    // A checkout of its own (the built tool and the template), so the embedded repo lands in it.
    checkout = mkdtempSync(join(tmpdir(), 'factoryctl-run-'));
    for (const path of ['bin', 'dist', 'factory.yaml', 'factory-state', 'repos', 'schemas'])
      cpSync(join(PROJECT, path), join(checkout, path), { recursive: true });
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(checkout, { recursive: true, force: true });
  });

  it('creates a local control repo, runs node and supervisor, shows a line per role, follows a halt, stops on Ctrl-C', async () => {
    child = spawn(process.execPath, [join(checkout, 'bin', 'factoryctl.js'), 'run', '--interval', '1s'], {
      cwd: checkout,
      env: { ...process.env, FACTORY_NODE: 'solo' },
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(() => output, /created the embedded control repo .*\.factoryctl\/control \(local, no remote\)/);
    await waitFor(
      () => output,
      /── solo: level 0[^\n]*\n\s+dev\s+run[^\n]*\n\s+review\s+run[^\n]*\n\s+supervisor\s+run/,
    );

    const halted = await factoryctl(['--dir', control(), 'halt', 'dev', '--reason', 'trying it out'], {
      cwd: checkout,
      env: { FACTORY_NODE: 'solo' },
    });
    expect(halted.code, halted.stderr).toBe(0);
    await waitFor(() => output, /dev\s+HALTED override\s+trying it out/);

    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(output).toContain('factoryctl run: stopped');
    // No remote anywhere: the node's telemetry and the supervisor's decisions are local commits.
    expect(sh(control(), 'git', ['remote'])).toBe('');
    expect(sh(control(), 'git', ['branch', '--list', 'telemetry/solo'])).toContain('telemetry/solo');
    expect(sh(control(), 'git', ['log', '--format=%s', 'main'])).toMatch(/halt dev on all nodes: trying it out/);
  });
});
