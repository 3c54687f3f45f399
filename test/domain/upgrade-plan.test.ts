import { describe, expect, it } from 'vitest';
import {
  buildsToPrune,
  depsSource,
  depsToPrune,
  planUpgrade,
  type UpgradeObserved,
} from '../../src/domain/upgrade-plan.js';

const base: UpgradeObserved = { running: 'r1', head: 'h2', failed: undefined, built: ['r1'] };

describe('planUpgrade', () => {
  it.each<[string, Partial<UpgradeObserved>, ReturnType<typeof planUpgrade>]>([
    ['running build is the checked-out one', { head: 'r1' }, { kind: 'current' }],
    ['new source', {}, { kind: 'build' }],
    ['no build at all yet', { running: undefined, built: [] }, { kind: 'build' }],
    [
      'this source failed before',
      { failed: { id: 'h2', reason: 'syntax' } },
      { kind: 'known-failure', reason: 'syntax' },
    ],
    ['an older source failed, this one is new', { failed: { id: 'h1', reason: 'syntax' } }, { kind: 'build' }],
    [
      'back on the running source after a failure',
      { head: 'r1', failed: { id: 'h2', reason: 'x' } },
      { kind: 'current' },
    ],
    ['built and checked but never switched (killed)', { built: ['r1', 'h2'] }, { kind: 'activate' }],
    ['rolled back to a kept build', { running: 'h2', head: 'r1', built: ['r1', 'h2'] }, { kind: 'activate' }],
  ])('%s', (_, change, expected) => {
    expect(planUpgrade({ ...base, ...change })).toEqual(expected);
  });
});

describe('pruning', () => {
  it.each<[string[], string, string | undefined, string[]]>([
    [['a', 'b', 'c'], 'c', 'b', ['a']],
    [['a', 'b'], 'b', 'a', []],
    [['a', 'b', 'unidentified'], 'b', undefined, ['a', 'unidentified']],
  ])('builds %j, active %s, previous %s', (built, active, previous, expected) => {
    expect(buildsToPrune(built, active, previous)).toEqual(expected);
  });

  it('keeps the installs of kept builds only', () => {
    expect(depsToPrune(['l1', 'l2', 'l3'], ['l2', undefined])).toEqual(['l1', 'l3']);
  });
});

describe('depsSource', () => {
  it.each<[string, Parameters<typeof depsSource>[0], ReturnType<typeof depsSource>['kind']]>([
    [
      'cached install for this lock',
      { lock: 'l2', runningLock: 'l1', cached: true, controlDirHasModules: true },
      'cached',
    ],
    [
      'same lock as the running build',
      { lock: 'l1', runningLock: 'l1', cached: false, controlDirHasModules: true },
      'control-dir',
    ],
    [
      'same lock, but no node_modules',
      { lock: 'l1', runningLock: 'l1', cached: false, controlDirHasModules: false },
      'install',
    ],
    ['lock changed', { lock: 'l2', runningLock: 'l1', cached: false, controlDirHasModules: true }, 'install'],
    [
      'running build of unknown lock',
      { lock: 'l2', runningLock: undefined, cached: false, controlDirHasModules: true },
      'install',
    ],
  ])('%s', (_, input, kind) => {
    expect(depsSource(input).kind).toBe(kind);
  });
});
