import { describe, expect, it } from 'vitest';
import { effectiveState } from '../../src/domain/effective-state.js';
import { gateDecision, type SyncInfo } from '../../src/domain/gate-decision.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const MAX = 15 * 60_000;
const running = effectiveState({ role: 'dev', node: 'n' }, { overrides: [], halts: [], protectedRoles: [] }, NOW);
const ago = (min: number) => NOW - min * 60_000;

describe('gate decision when the control repo cannot be synced', () => {
  const cases: [string, SyncInfo, boolean, boolean, RegExp | null][] = [
    ['fresh pull: run', { pull: 'ok', localOnly: false, lastSyncAt: NOW }, true, true, null],
    [
      'pull failed, last sync 5 min ago: decide from cache',
      { pull: 'failed', pullError: 'timed out', localOnly: false, lastSyncAt: ago(5) },
      true,
      true,
      /pull failed \(timed out\); deciding from the state pulled 5m ago/,
    ],
    [
      'pull failed, 1 h stale, heavy role: fail closed',
      { pull: 'failed', localOnly: false, lastSyncAt: ago(60) },
      true,
      false,
      null,
    ],
    [
      'pull failed, 1 h stale, light role: fail open',
      { pull: 'failed', localOnly: false, lastSyncAt: ago(60) },
      false,
      true,
      /light role fails open/,
    ],
    ['never synced and the pull fails, heavy: fail closed', { pull: 'failed', localOnly: false }, true, false, null],
    ['no remote at all: never stale', { pull: 'skipped', localOnly: true }, true, true, null],
  ];
  it.each(cases)('%s', (_name, sync, heavy, run, note) => {
    const d = gateDecision(running, sync, heavy, MAX, NOW);
    expect(d.run).toBe(run);
    if (!run) expect(d.state.reason).toMatch(/too stale to trust .*heavy role fails closed/);
    if (note) expect(d.notes.join('\n')).toMatch(note);
  });
});

describe('a protected role is recognised by its flag, not by its reason text', () => {
  const stale: SyncInfo = { pull: 'failed', localOnly: false, lastSyncAt: ago(60) };
  const cases: [string, ReturnType<typeof effectiveState>, boolean][] = [
    [
      'a heavy supervisor that factory.yaml forgot to mark protected: runs',
      effectiveState({ role: 'supervisor', node: 'n' }, { overrides: [], halts: [], protectedRoles: [] }, NOW),
      true,
    ],
    [
      'a heavy role flagged protected, whatever its reason says: runs',
      { ...running, role: 'gardener', protected: true, reason: 'pinned' },
      true,
    ],
    [
      'a heavy role whose reason merely reads like protection: fails closed',
      { ...running, reason: 'protected role: never halted' },
      false,
    ],
  ];
  it.each(cases)('%s', (_name, state, run) => {
    expect(gateDecision(state, stale, true, MAX, NOW).run).toBe(run);
  });
});

describe('a slot the supervisor placed fails closed on a stale control repo, whatever its weight', () => {
  const stale: SyncInfo = { pull: 'failed', localOnly: false, lastSyncAt: ago(60) };
  it('a light placed slot stops: its node may have been called down and the slot given to another', () => {
    const d = gateDecision(running, stale, false, MAX, NOW, true);
    expect(d.run).toBe(false);
    expect(d.state.reason).toMatch(/too stale to trust .*placed slot \(it may run elsewhere now\) fails closed/);
  });
  it('fresh, it runs as placed', () => {
    expect(gateDecision(running, { pull: 'ok', localOnly: false, lastSyncAt: NOW }, false, MAX, NOW, true).run).toBe(
      true,
    );
  });
});
