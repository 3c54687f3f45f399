import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { configWorkerPath, inConfigWorker } from '../../../src/adapters/control-repo/config-worker.js';
import { makeControlRepo } from '../../support/control-repo.js';

// The bundle the daemon runs (the suite's global setup builds dist/).
const BUILT = fileURLToPath(new URL('../../../dist/config-worker.cjs', import.meta.url));

describe('the config worker: YAML and zod in a process that exits with its answer', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'config-worker-'));
  const fixture = makeControlRepo();
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
    fixture.cleanup();
  });

  it.each([
    { part: 'overrides' as const, text: 'overrides: []\n', ok: true },
    { part: 'halts' as const, text: 'halts: [{ role: 7 }]\n', ok: false },
    { part: 'factory' as const, text: undefined, ok: false },
  ])('built worker parses $part ($ok)', async ({ part, text, ok }) => {
    const answer = await inConfigWorker({ kind: 'view-part', part, text }, BUILT);
    expect(answer.ok).toBe(ok);
    if (!answer.ok)
      expect(answer.problems[0]).toMatchObject({
        severity: 'error',
        file: expect.stringContaining(part === 'factory' ? 'factory.yaml' : part),
      });
  });

  it('built worker reads the whole node config of a control repo as plain data', async () => {
    const answer = await inConfigWorker({ kind: 'node-config', dir: join(fixture.root, 'seed') }, BUILT);
    expect(answer).toMatchObject({ ok: true, stale: false, problems: [] });
    if (answer.ok) expect(Object.keys(answer.config.factory.roles)).toContain('dev');
  });

  it('in-process from source gives the same answer as the built worker', async () => {
    const request = { kind: 'node-config' as const, dir: join(fixture.root, 'seed') };
    expect(await inConfigWorker(request, undefined)).toEqual(await inConfigWorker(request, BUILT));
  });

  it('a worker that dies without answering is an error that says how it ended', async () => {
    const dying = join(tmp, 'dying.cjs');
    writeFileSync(dying, "process.stderr.write('boom\\n'); process.exit(3);");
    await expect(inConfigWorker({ kind: 'view-part', part: 'halts', text: '' }, dying)).rejects.toThrow(/code 3.*boom/);
  });

  it('finds the worker beside the build: from dist/chunks/ or dist/; none from source; a missing one is loud', () => {
    const dist = join(tmp, 'dist');
    mkdirSync(join(dist, 'chunks'), { recursive: true });
    expect(() => configWorkerPath(pathToFileURL(join(dist, 'chunks', 'node-X.js')).href)).toThrow(
      /config-worker\.cjs is missing/,
    );
    writeFileSync(join(dist, 'config-worker.cjs'), '');
    expect(configWorkerPath(pathToFileURL(join(dist, 'chunks', 'node-X.js')).href)).toBe(
      join(dist, 'config-worker.cjs'),
    );
    expect(configWorkerPath(pathToFileURL(join(dist, 'cli.js')).href)).toBe(join(dist, 'config-worker.cjs'));
    expect(configWorkerPath(pathToFileURL(join(tmp, 'src', 'adapters', 'config-worker.ts')).href)).toBeUndefined();
  });
});
