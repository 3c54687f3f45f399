import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privatePath } from '../../../src/adapters/control-repo/private-dir.js';
import { loadSupervisorConfig } from '../../../src/adapters/control-repo/supervisor-config.js';
import { makeControlRepo } from '../../support/control-repo.js';

describe('loadSupervisorConfig: parsed every cycle, the last good config kept for a bad push', () => {
  const fixture = makeControlRepo();
  afterAll(() => fixture.cleanup());

  it('a good config is kept; a broken one answers with it and the problems', async () => {
    const dir = await fixture.clone('good', fixture.bare);
    const good = await loadSupervisorConfig(dir);
    expect(good).toMatchObject({ ok: true });
    expect(good.ok && good.stale).toBeUndefined();
    writeFileSync(join(dir, 'factory.yaml'), 'version: 1\nname: [broken\n');
    const stale = await loadSupervisorConfig(dir);
    expect(stale).toMatchObject({ ok: true, stale: [expect.stringContaining('factory.yaml')] });
    expect(stale.ok && good.ok && stale.config).toEqual(good.ok && good.config);
  });

  // [cache file content]: foreign or torn, each is ignored (before, any JSON was taken for a config)
  it.each([['"a string"'], ['[1, 2]'], ['{"factory": 1}'], ['{"config": {"val']])(
    'a broken config and a last-good file %s: not ok, the problems',
    async (cache) => {
      const dir = await fixture.clone(`foreign-${Math.random().toString(36).slice(2)}`, fixture.bare);
      const file = privatePath(dir, 'supervisorLastGood');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, cache);
      writeFileSync(join(dir, 'factory.yaml'), `${readFileSync(join(dir, 'factory.yaml'), 'utf8')}\nunknownKey: 1\n`);
      const loaded = await loadSupervisorConfig(dir);
      expect(loaded.ok).toBe(false);
      expect(!loaded.ok && loaded.problems.join('\n')).toMatch(/unknownKey/);
    },
  );
});
