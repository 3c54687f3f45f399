import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  lastSyncAt,
  PRIVATE_FILES,
  privateDir,
  privatePath,
  stampSync,
  type PrivateFile,
} from '../../../src/adapters/control-repo/private-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'factoryctl-private-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('.git/factoryctl/: one owner, one table of its files', () => {
  it.each(Object.keys(PRIVATE_FILES) as PrivateFile[])('%s lives in the private folder, under its one name', (file) => {
    expect(privatePath(dir, file)).toBe(join(dir, '.git', 'factoryctl', PRIVATE_FILES[file]));
  });

  it('names every file once', () => {
    expect(new Set(Object.values(PRIVATE_FILES)).size).toBe(Object.keys(PRIVATE_FILES).length);
  });

  it('stamps a sync and tells when it was', () => {
    expect(lastSyncAt(dir)).toBeUndefined();
    stampSync(dir, Date.now());
    expect(lastSyncAt(dir)).toEqual(expect.any(Number));
    expect(privateDir(dir)).toBe(join(dir, '.git', 'factoryctl'));
  });
});
