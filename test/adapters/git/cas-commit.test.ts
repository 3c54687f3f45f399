import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { casCommit } from '../../../src/adapters/git/cas-commit.js';
import { IDENTITY, makeControlRepo, sh, type ControlRepoFixture } from '../../support/control-repo.js';

const FILE = 'factory-state/notes.txt';
const noWait = async () => undefined;

describe('casCommit: compare-and-swap commits to a shared branch', () => {
  let fixture: ControlRepoFixture;
  afterEach(() => fixture.cleanup());

  it('re-reads and re-applies when another writer lands first, with no merge commit and nothing lost', async () => {
    fixture = makeControlRepo();
    const mine = await fixture.clone('mine', fixture.bare);
    const theirs = await fixture.clone('theirs', fixture.bare);
    const seen: (string | undefined)[] = [];
    const result = await casCommit(mine, {
      branch: 'main',
      paths: [FILE],
      backoff: noWait,
      mutate: (current) => {
        seen.push(current.get(FILE));
        if (seen.length === 1) {
          // Another clone pushes between our read and our push.
          writeFileSync(join(theirs, FILE), 'theirs\n');
          sh(theirs, 'git', ['add', FILE]);
          sh(theirs, 'git', ['commit', '-qm', 'theirs'], IDENTITY);
          sh(theirs, 'git', ['push', '-q']);
        }
        return { changes: { [FILE]: `${current.get(FILE) ?? ''}mine\n` }, message: 'append mine' };
      },
    });
    expect(result).toMatchObject({ changed: true, attempts: 2 });
    expect(seen).toEqual([undefined, 'theirs\n']);
    expect(sh(fixture.bare, 'git', ['show', `main:${FILE}`])).toBe('theirs\nmine');
    expect(sh(fixture.bare, 'git', ['rev-list', '--merges', 'main'])).toBe('');
    expect(sh(mine, 'git', ['log', '-1', '--format=%s'])).toBe('append mine'); // the local branch followed
  });

  it('makes no commit when the change is already there, and deletes a file given null', async () => {
    fixture = makeControlRepo({ files: { [FILE]: 'same\n' } });
    const dir = await fixture.clone('one', fixture.bare);
    const before = sh(fixture.bare, 'git', ['rev-parse', 'main']);
    const same = await casCommit(dir, {
      branch: 'main',
      paths: [FILE],
      mutate: () => ({ changes: { [FILE]: 'same\n' }, message: 'noop' }),
    });
    expect(same.changed).toBe(false);
    expect(sh(fixture.bare, 'git', ['rev-parse', 'main'])).toBe(before);

    const removed = await casCommit(dir, {
      branch: 'main',
      paths: [FILE],
      mutate: () => ({ changes: { [FILE]: null }, message: 'remove notes' }),
    });
    expect(removed.changed).toBe(true);
    expect(sh(fixture.bare, 'git', ['ls-tree', '--name-only', 'main', 'factory-state/'])).not.toContain('notes.txt');
  });

  it('refuses with "nothing was changed" when the remote cannot be reached', async () => {
    fixture = makeControlRepo();
    const dir = await fixture.clone('lonely', fixture.bare);
    sh(dir, 'git', ['remote', 'set-url', 'origin', join(fixture.root, 'gone.git')]);
    await expect(
      casCommit(dir, { branch: 'main', paths: [FILE], mutate: () => ({ changes: { [FILE]: 'x' }, message: 'x' }) }),
    ).rejects.toThrow(/cannot reach origin.*nothing was changed/);
  });
});
