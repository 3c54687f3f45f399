import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pullFastForward } from '../../../src/adapters/git/pull.js';
import { IDENTITY, makeControlRepo, sh, type ControlRepoFixture } from '../../support/control-repo.js';

describe('pulling the control repo', () => {
  let fixture: ControlRepoFixture;
  afterEach(() => fixture.cleanup());

  it('two pulls at once in one clone (a gate beside its node daemon): never "multiple branches", and the clone ends on main', async () => {
    fixture = makeControlRepo();
    const writer = await fixture.clone('writer', fixture.bare);
    const agent = await fixture.clone('agent', fixture.bare);
    const failures: string[] = [];
    for (let round = 0; round < 6; round++) {
      writeFileSync(join(writer, 'factory-state', 'note.txt'), `round ${round}\n`);
      sh(writer, 'git', ['add', '-A']);
      sh(writer, 'git', ['commit', '-qm', `round ${round}`], IDENTITY);
      sh(writer, 'git', ['push', '-q']);
      const pulls = await Promise.all([pullFastForward(agent, 10_000), pullFastForward(agent, 10_000)]);
      for (const p of pulls) if (!p.ok) failures.push(p.error);
    }
    // A concurrent git may hold the index for a moment; what it may never do is leave the clone
    // unable to move (git pull merged what FETCH_HEAD listed, and two fetches listed main twice).
    expect(failures.filter((e) => !/index\.lock/.test(e))).toEqual([]);
    expect(await pullFastForward(agent, 10_000)).toEqual({ ok: true });
    expect(sh(agent, 'git', ['rev-parse', 'HEAD'])).toBe(sh(writer, 'git', ['rev-parse', 'HEAD']));
  });
});
