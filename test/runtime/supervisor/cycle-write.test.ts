import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CyclePlan } from '../../../src/domain/supervisor/cycle.js';
import { STATE_PATHS } from '../../../src/domain/supervisor/state-files.js';
import { writePlan, type PlanOn } from '../../../src/runtime/supervisor/cycle-write.js';
import { takeLead } from '../../../src/runtime/supervisor/lease.js';
import { makeControlRepo, sh, type ControlRepoFixture } from '../../support/control-repo.js';

const SEC = 1000;
const T0 = Date.parse('2026-03-02T08:00:00Z');
const POLICY = { durationMs: 120 * SEC, renewBeforeMs: 60 * SEC };
const STATUS = STATE_PATHS.status;

/** A plan that writes STATUS.md as "<what it saw there> + <tag>", and the states it was planned on. */
function recordingPlanner(tag: string, onRun: (run: number) => void = () => {}) {
  const seen: (string | undefined)[] = [];
  const planOn: PlanOn = (current) => {
    seen.push(current.get(STATUS));
    onRun(seen.length);
    const text = `${(current.get(STATUS) ?? '').trim()} + ${tag}\n`;
    return {
      changes: { [STATUS]: text },
      message: `supervisor: ${tag}`,
      decisions: [],
      fired: [],
      schedule: { roles: {} },
      intervalMs: 60_000,
      wake: { at: T0, reason: 'r' },
      notes: [`planned on run ${seen.length}`],
    } satisfies CyclePlan;
  };
  return { planOn, seen };
}

describe('writePlan: the plan that was written comes back as data, by role', () => {
  let repo: ControlRepoFixture;
  let a: string;
  let b: string;
  const onMain = () => sh(repo.bare, 'git', ['show', `main:${STATUS}`]);
  beforeAll(async () => {
    repo = makeControlRepo({ files: { [STATUS]: 'seed\n' } });
    a = await repo.clone('vps-a', repo.bare);
    b = await repo.clone('vps-b', repo.bare);
  });
  afterAll(() => repo.cleanup());

  it('leader: a push rejected by another writer is planned again on the new tip, and that second plan is the one returned', async () => {
    const lead = await takeLead(a, 'origin', 'vps-a', () => T0, POLICY);
    expect(lead.kind).toBe('leader');
    // Between vps-a's fetch and its push, a human pushes to main: vps-a's first push is rejected.
    const { planOn, seen } = recordingPlanner('leader', (run) => {
      if (run !== 1) return;
      sh(b, 'git', ['pull', '-q']);
      sh(b, 'sh', ['-c', `echo human > ${STATUS} && git commit -qam human && git push -q`]);
    });
    const written = await writePlan(a, lead, planOn, T0);
    if ('error' in written) throw new Error(written.error);
    expect(seen).toEqual(['seed\n', 'human\n']);
    expect(written.plan.notes).toEqual(['planned on run 2']);
    expect(written.commit.changed).toBe(true);
    expect(onMain()).toBe('human + leader');
  });

  it('standby: planned on HEAD to say what it would have done; nothing lands', async () => {
    const lead = await takeLead(b, 'origin', 'vps-b', () => T0 + 10 * SEC, POLICY);
    expect(lead.kind).toBe('standby');
    const before = sh(repo.bare, 'git', ['rev-parse', 'main']);
    const { planOn, seen } = recordingPlanner('standby');
    const written = await writePlan(b, lead, planOn, T0 + 10 * SEC);
    if ('error' in written) throw new Error(written.error);
    expect(seen).toHaveLength(1);
    expect(written.commit.changed).toBe(false);
    expect(written.notes).toEqual([
      expect.stringMatching(
        /^standby: vps-a leads \(epoch 1\).*observing only, committing nothing \(as leader: supervisor: standby\)$/,
      ),
    ]);
    expect(sh(repo.bare, 'git', ['rev-parse', 'main'])).toBe(before);
  });

  it('deposed between its read of the lease and its push: nothing lands, it reports as a standby', async () => {
    let now = T0 + 200 * SEC;
    const stale = await takeLead(a, 'origin', 'vps-a', () => now, POLICY);
    expect(stale).toMatchObject({ kind: 'leader', acquired: true });
    // vps-b sees the new term land; a term later on its own clock, unchanged, it is over
    expect(await takeLead(b, 'origin', 'vps-b', () => now, POLICY)).toMatchObject({ kind: 'standby' });
    now += POLICY.durationMs + SEC;
    expect(await takeLead(b, 'origin', 'vps-b', () => now, POLICY)).toMatchObject({ kind: 'leader', acquired: true });
    const before = sh(repo.bare, 'git', ['rev-parse', 'main']);
    const { planOn } = recordingPlanner('deposed');
    const written = await writePlan(a, stale, planOn, now);
    if ('error' in written) throw new Error(written.error);
    expect(written.commit.changed).toBe(false);
    expect(written.lead).toMatchObject({ kind: 'standby', holder: 'another supervisor', expiresAt: now });
    expect(written.notes).toEqual([expect.stringMatching(/^lease lost to vps-b \(epoch 3\)/)]);
    expect(sh(repo.bare, 'git', ['rev-parse', 'main'])).toBe(before);
  });

  it('solo (no remote): commits locally and returns the plan it committed', async () => {
    const local = await repo.clone('embedded', repo.bare);
    sh(local, 'git', ['remote', 'remove', 'origin']);
    const { planOn, seen } = recordingPlanner('solo');
    const written = await writePlan(local, { kind: 'solo' }, planOn, T0);
    if ('error' in written) throw new Error(written.error);
    expect(seen).toHaveLength(1);
    expect(written.plan.message).toBe('supervisor: solo');
    expect(written.commit).toMatchObject({ changed: true, pushed: false });
    expect(sh(local, 'git', ['show', `HEAD:${STATUS}`])).toMatch(/ \+ solo$/);
  });
});
