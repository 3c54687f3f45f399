import { describe, expect, it } from 'vitest';
import { planNodeCycle, type CycleMemory } from '../../../src/domain/node/plan-cycle.js';
import { nodeSettings } from '../../../src/domain/node/node-settings.js';
import { initialPressureState } from '../../../src/domain/pressure/index.js';
import { factory } from '../../support/apply-fixture.js';
import { sample, type Reading } from '../pressure/pressure-fixtures.js';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const empty: CycleMemory = {
  prev: initialPressureState(),
  prevDecision: undefined,
  prevRoles: undefined,
  lastCommittedAt: undefined,
  rollup: undefined,
  control: { overrides: [], halts: [] },
};

function plan(opts: { control?: string[]; reading?: Reading; stopRunningAtLevel3?: boolean; stopping?: boolean }) {
  const config = factory({
    default: { roles: ['dev', 'review', 'supervisor'], control: opts.control ?? ['halt-files'] },
  });
  const policy = { ...config.policy, hold: '0s', stopRunningAtLevel3: opts.stopRunningAtLevel3 ?? false };
  const settings = nodeSettings(
    { ...config, policy },
    { node: 'n1', controlDir: '/c', env: { FACTORY_RUN_DIR: '/run/f', FACTORY_STATE_DIR: '/state' } },
  );
  return planNodeCycle({
    node: 'n1',
    settings,
    config: { factory: config, repos: [], schedule: {} },
    sample: sample(T0, opts.reading),
    control: { overrides: [], halts: [] },
    memory: empty,
    stopping: opts.stopping ?? false,
    cron: { controlDir: '/c', node: 'n1', nodeBin: '/usr/bin/node', cli: '/f.js' },
    now: T0,
  });
}

describe('planNodeCycle', () => {
  it.each([
    {
      situation: 'healthy, halt files: nothing halted, halt files only',
      opts: {},
      haltFiles: [],
      mechanisms: { haltFiles: true, crontab: false, loop: false },
      stop: undefined,
    },
    {
      situation: 'level 1: the dev halt file planned',
      opts: { reading: { mem: 1800 } },
      haltFiles: ['/run/f/halt/dev'],
      mechanisms: { haltFiles: true, crontab: false, loop: false },
      stop: undefined,
    },
    {
      situation: 'crontab and loop control',
      opts: { control: ['crontab', 'loop'] },
      haltFiles: [],
      mechanisms: { haltFiles: false, crontab: true, loop: true },
      stop: undefined,
    },
    {
      situation: 'level 3 without stopRunningAtLevel3: halts only',
      opts: { reading: { mem: 300 } },
      haltFiles: ['/run/f/halt/dev', '/run/f/halt/review'],
      mechanisms: { haltFiles: true, crontab: false, loop: false },
      stop: undefined,
    },
    {
      situation: 'level 3 with stopRunningAtLevel3: the sampled agents are stopped',
      opts: { reading: { mem: 300 }, stopRunningAtLevel3: true },
      haltFiles: ['/run/f/halt/dev', '/run/f/halt/review'],
      mechanisms: { haltFiles: true, crontab: false, loop: false },
      stop: { by: 'sampled-processes', graceMs: 30_000 },
    },
    {
      situation: 'level 3, loop control: the loop runner stops them',
      opts: { reading: { mem: 300 }, stopRunningAtLevel3: true, control: ['loop'] },
      haltFiles: ['/run/f/halt/dev', '/run/f/halt/review'],
      mechanisms: { haltFiles: false, crontab: false, loop: true },
      stop: { by: 'loop-runner', graceMs: 30_000 },
    },
    {
      situation: 'level 3 while a stop is in its grace: no new stop',
      opts: { reading: { mem: 300 }, stopRunningAtLevel3: true, stopping: true },
      haltFiles: ['/run/f/halt/dev', '/run/f/halt/review'],
      mechanisms: { haltFiles: true, crontab: false, loop: false },
      stop: undefined,
    },
  ])('$situation', ({ opts, haltFiles, mechanisms, stop }) => {
    const p = plan(opts);
    expect(p.local.haltFiles.map((f) => f.path)).toEqual(haltFiles);
    expect(p.mechanisms).toEqual(mechanisms);
    expect(p.stop).toEqual(stop);
    expect(p.records).toEqual({
      pressure: p.cycle.pressure.state,
      decision: p.cycle.decision,
      roles: p.cycle.roles,
      runaways: p.runaway.memory,
      reclaim: p.reclaim.memory,
    });
  });
});
