import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recoverRepo } from '../../../src/adapters/git/recover.js';
import { pullFastForward } from '../../../src/adapters/git/pull.js';
import { IDENTITY, makeControlRepo, sh, type ControlRepoFixture } from '../../support/control-repo.js';

describe('recovering a clone after a killed git process', () => {
  let fixture: ControlRepoFixture;
  afterEach(() => fixture.cleanup());

  it('removes a stale index.lock so the next pull works, and leaves a fresh one (a live git) alone', async () => {
    fixture = makeControlRepo();
    const writer = await fixture.clone('writer', fixture.bare);
    const agent = await fixture.clone('agent', fixture.bare);
    writeFileSync(join(writer, 'factory-state', 'note.txt'), 'new\n');
    sh(writer, 'git', ['add', '-A']);
    sh(writer, 'git', ['commit', '-qm', 'note'], IDENTITY);
    sh(writer, 'git', ['push', '-q']);

    const lock = join(agent, '.git', 'index.lock');
    writeFileSync(lock, '');
    expect((await recoverRepo(agent)).removedLocks).toEqual([]); // fresh: could belong to a running git
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);

    const pulled = await pullFastForward(agent, 10_000);
    expect(pulled).toEqual({ ok: true });
    expect(existsSync(lock)).toBe(false);
    expect(existsSync(join(agent, 'factory-state', 'note.txt'))).toBe(true);
  });

  it('aborts a merge left half-finished', async () => {
    fixture = makeControlRepo();
    const dir = await fixture.clone('human', fixture.bare);
    sh(dir, 'git', ['checkout', '-qb', 'side']);
    writeFileSync(join(dir, 'factory.yaml'), 'version: 1\nname: side\n');
    sh(dir, 'git', ['commit', '-qam', 'side'], IDENTITY);
    sh(dir, 'git', ['checkout', '-q', 'main']);
    writeFileSync(join(dir, 'factory.yaml'), 'version: 1\nname: main\n');
    sh(dir, 'git', ['commit', '-qam', 'main'], IDENTITY);
    expect(() => sh(dir, 'git', ['merge', 'side'], IDENTITY)).toThrow();
    expect(existsSync(join(dir, '.git', 'MERGE_HEAD'))).toBe(true);

    const report = await recoverRepo(dir);
    expect(report.aborted).toEqual(['merge']);
    expect(existsSync(join(dir, '.git', 'MERGE_HEAD'))).toBe(false);
    expect(sh(dir, 'git', ['status', '--porcelain'])).toBe('');
  });
});
