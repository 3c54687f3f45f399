import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { refreshControl } from '../../../src/adapters/git/fetch-control.js';
import { pullFastForward } from '../../../src/adapters/git/pull.js';
import { IDENTITY, makeControlRepo, sh, type ControlRepoFixture } from '../../support/control-repo.js';

/** Main and a node's telemetry branch at the same new commit. */
const WITH_TELEMETRY = ['push', '-q', 'origin', 'main', 'main:refs/heads/telemetry/n1'];

/** A commit of factory-state/note.txt in dir, pushed with `push` when given. */
function commitNote(dir: string, text: string, push?: string[]): void {
  writeFileSync(join(dir, 'factory-state', 'note.txt'), `${text}\n`);
  sh(dir, 'git', ['add', '-A']);
  sh(dir, 'git', ['commit', '-qm', text], IDENTITY);
  if (push) sh(dir, 'git', push);
}

describe('pulling the control repo', () => {
  let fixture: ControlRepoFixture;
  afterEach(() => fixture.cleanup());

  it('two pulls at once in one clone (a gate beside its node daemon): never "multiple branches", and the clone ends on main', async () => {
    fixture = makeControlRepo();
    const writer = await fixture.clone('writer', fixture.bare);
    const agent = await fixture.clone('agent', fixture.bare);
    const failures: string[] = [];
    for (let round = 0; round < 6; round++) {
      commitNote(writer, `round ${round}`, ['push', '-q']);
      const pulls = await Promise.all([pullFastForward(agent, 10_000), pullFastForward(agent, 10_000)]);
      for (const p of pulls) if (!p.ok) failures.push(p.error);
    }
    // A concurrent git may hold the index for a moment; what it may never do is leave the clone
    // unable to move (git pull merged what FETCH_HEAD listed, and two fetches listed main twice).
    expect(failures.filter((e) => !/index\.lock/.test(e))).toEqual([]);
    expect(await pullFastForward(agent, 10_000)).toEqual({ ok: true });
    expect(sh(agent, 'git', ['rev-parse', 'HEAD'])).toBe(sh(writer, 'git', ['rev-parse', 'HEAD']));
  });

  it("the gate's pull brings main alone: a node's telemetry branch stays on the server", async () => {
    fixture = makeControlRepo();
    const writer = await fixture.clone('writer', fixture.bare);
    const agent = await fixture.clone('agent', fixture.bare);
    commitNote(writer, 'new', WITH_TELEMETRY);

    expect(await pullFastForward(agent, 10_000, Date.now, { upstreamOnly: true })).toEqual({ ok: true });
    expect(sh(agent, 'git', ['rev-parse', 'HEAD'])).toBe(sh(writer, 'git', ['rev-parse', 'HEAD']));
    expect(sh(agent, 'git', ['branch', '-r'])).not.toContain('telemetry/n1');
    // Nothing new: the pull is the fetch alone, and main stays where it is.
    expect(await pullFastForward(agent, 10_000, Date.now, { upstreamOnly: true })).toEqual({ ok: true });
    // The node daemon's pull brings every branch.
    expect(await pullFastForward(agent, 10_000)).toEqual({ ok: true });
    expect(sh(agent, 'git', ['branch', '-r'])).toContain('telemetry/n1');
  });

  it('a refresh whose main cannot move (a local commit in the way) still counts the telemetry it fetched as fresh', async () => {
    fixture = makeControlRepo();
    const writer = await fixture.clone('writer', fixture.bare);
    const reader = await fixture.clone('reader', fixture.bare);
    commitNote(writer, 'theirs', WITH_TELEMETRY);
    commitNote(reader, 'mine');

    const refreshed = await refreshControl(reader, 'origin', 10_000);
    expect(refreshed.main).toMatchObject({ ok: false, fetched: true });
    expect(refreshed.telemetry).toBe(true);
    expect(sh(reader, 'git', ['rev-parse', 'origin/telemetry/n1'])).toBe(sh(writer, 'git', ['rev-parse', 'HEAD']));
  });
});
