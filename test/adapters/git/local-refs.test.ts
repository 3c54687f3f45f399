import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRef, readUpstream } from '../../../src/adapters/git/local-refs.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../../support/control-repo.js';

describe("a clone's branch, upstream and refs read from the files under .git", () => {
  let fixture: ControlRepoFixture;
  afterEach(() => fixture.cleanup());

  it('agrees with git on a plain clone, loose refs and packed alike', async () => {
    fixture = makeControlRepo();
    const dir = await fixture.clone('agent', fixture.bare);
    expect(readUpstream(dir)).toEqual({
      remote: 'origin',
      refspec: '+refs/heads/main:refs/remotes/origin/main',
      local: 'refs/heads/main',
      tracking: 'refs/remotes/origin/main',
    });
    const head = sh(dir, 'git', ['rev-parse', 'HEAD']);
    expect(readRef(dir, 'refs/remotes/origin/main')).toBe(sh(dir, 'git', ['rev-parse', '@{upstream}']));
    sh(dir, 'git', ['pack-refs', '--all']);
    expect(readRef(dir, 'refs/heads/main')).toBe(head);
    expect(readRef(dir, 'refs/heads/absent')).toBeUndefined();
  });

  it('gives up where git alone knows the answer: a detached HEAD, an include, a second fetch refspec', async () => {
    fixture = makeControlRepo();
    const detached = await fixture.clone('detached', fixture.bare);
    sh(detached, 'git', ['checkout', '-q', '--detach']);
    expect(readUpstream(detached)).toBeUndefined();

    const included = await fixture.clone('included', fixture.bare);
    appendFileSync(join(included, '.git', 'config'), '[include]\n\tpath = elsewhere\n');
    expect(readUpstream(included)).toBeUndefined();

    const extra = await fixture.clone('extra', fixture.bare);
    sh(extra, 'git', ['config', '--add', 'remote.origin.fetch', '+refs/heads/x:refs/remotes/origin/x']);
    expect(readUpstream(extra)).toBeUndefined();
  });
});
