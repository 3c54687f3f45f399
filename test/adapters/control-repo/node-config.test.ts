import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configKey, loadNodeConfig } from '../../../src/adapters/control-repo/node-config.js';
import { makeControlRepo } from '../../support/control-repo.js';

describe('loadNodeConfig: the last good config keyed by its files, parsed only when they changed', () => {
  const template = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
  const fixture = makeControlRepo({
    files: Object.fromEntries(
      [
        'repos/example-org/example-repo.yaml',
        'repos/presets/factory-defaults.yaml',
        'repos/presets/factory-labels.yaml',
      ].map((p) => [p, template(p)]),
    ),
  });
  afterAll(() => fixture.cleanup());

  it('parses once, then answers from the cache until a file changes; a bad file keeps the last good one', async () => {
    const dir = await fixture.clone('node', fixture.bare);
    const first = await loadNodeConfig(dir);
    expect(first).toMatchObject({ ok: true, cached: false, stale: false, problems: [] });
    expect(existsSync(join(dir, '.git', 'factoryctl', 'node-last-good.json'))).toBe(true);

    const again = await loadNodeConfig(dir);
    expect(again).toMatchObject({ ok: true, cached: true, key: first.key });
    expect(again.ok && first.ok && again.config).toEqual(first.ok && first.config);

    // An in-place edit deep in repos/ (no folder mtime change) is a new key.
    const repoFile = join(dir, 'repos', 'example-org', 'example-repo.yaml');
    writeFileSync(repoFile, `${readFileSync(repoFile, 'utf8')}\n# edited\n`);
    const edited = await loadNodeConfig(dir);
    expect(edited).toMatchObject({ ok: true, cached: false });
    expect(edited.key).not.toBe(first.key);

    writeFileSync(join(dir, 'factory.yaml'), 'version: 1\nname: [broken\n');
    const broken = await loadNodeConfig(dir);
    expect(broken).toMatchObject({
      ok: true,
      cached: false,
      stale: true,
      problems: [expect.stringContaining('factory.yaml')],
    });
    // Not keyed: after a restart the problem is reported again rather than hidden by the cache.
    expect(await loadNodeConfig(dir)).toMatchObject({ stale: true, cached: false });
    expect(await configKey(dir)).toBe(broken.key);
  });

  it('no good config ever read and an invalid one: not ok, with the problems', async () => {
    const bad = makeControlRepo({ factoryYaml: 'version: 2\n' });
    try {
      const dir = await bad.clone('node', bad.bare);
      const loaded = await loadNodeConfig(dir);
      expect(loaded.ok).toBe(false);
      expect(loaded.problems.join('\n')).toMatch(/factory\.yaml/);
    } finally {
      bad.cleanup();
    }
  });
});
