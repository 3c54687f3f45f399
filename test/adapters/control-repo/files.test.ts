import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listControlFiles, readControlFiles } from '../../../src/adapters/control-repo/files.js';

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('listControlFiles', () => {
  it('lists YAML files of the working tree, relative with forward slashes, skipping dependencies, build output, .git and run dirs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'factoryctl-files-'));
    temps.push(root);
    const files = [
      'factory.yaml',
      'factory-state/overrides.yaml',
      'repos/acme/web.yaml',
      '.woodpecker/ci.yml',
      'README.md',
      'node_modules/x/a.yaml',
      '.git/config.yaml',
      'dist/b.yaml',
      '.factoryctl/run/c.yaml',
      'deep/er/d.YAML',
    ];
    for (const f of files) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), `# ${f}\n`);
    }
    const listed = await listControlFiles(root);
    expect(listed).toEqual([
      '.woodpecker/ci.yml',
      'deep/er/d.YAML',
      'factory-state/overrides.yaml',
      'factory.yaml',
      'repos/acme/web.yaml',
    ]);
    expect((await readControlFiles(root, ['factory.yaml']))[0]).toEqual({
      path: 'factory.yaml',
      text: '# factory.yaml\n',
    });
  });
});
