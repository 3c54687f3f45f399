import { describe, expect, it } from 'vitest';
import { Policy, PolicyOverride } from '../../../src/domain/config/policy-schema.js';
import { effectivePolicy } from '../../../src/domain/pressure/effective-policy.js';

const factory = Policy.parse({});

describe('Policy defaults (issue 3)', () => {
  it('dev below 2000 MB, review below 1500 MB, crisis below 500 MB or 3 GB swap with < 2000 MB, disk above 80%', () => {
    expect(factory.levels['1']).toMatchObject({ memAvailableMb: { halt: 2000 }, diskUsedPercent: { halt: 80 } });
    expect(factory.levels['2']).toMatchObject({ memAvailableMb: { halt: 1500 } });
    expect(factory.levels['3']).toMatchObject({
      memAvailableMb: { halt: 500 },
      swapUsedMb: { halt: 3072, whenMemAvailableBelowMb: 2000 },
    });
    expect(factory).toMatchObject({
      sampleInterval: '5s',
      hold: '30s',
      resumeHold: '2m',
      stabilisation: '5m',
      mounts: ['/'],
      stopRunningAtLevel3: false,
    });
  });

  it.each([
    [
      'memory resume below its halt',
      { levels: { '1': { memAvailableMb: { halt: 2000, resume: 1500 } } } },
      'levels.1.memAvailableMb.resume',
    ],
    [
      'disk resume above its halt',
      { levels: { '1': { diskUsedPercent: { halt: 80, resume: 85 } } } },
      'levels.1.diskUsedPercent.resume',
    ],
    [
      'swap memory guard released below where it engages',
      {
        levels: {
          '3': {
            swapUsedMb: {
              halt: 3000,
              resume: 2000,
              whenMemAvailableBelowMb: 2000,
              resumeWhenMemAvailableAboveMb: 1000,
            },
          },
        },
      },
      'levels.3.swapUsedMb.resumeWhenMemAvailableAboveMb',
    ],
    ['an unknown signal', { levels: { '1': { memFreeMb: { halt: 1, resume: 2 } } } }, 'levels.1'],
    ['a level 4', { levels: { '4': {} } }, 'levels'],
    ['a bad duration', { hold: 'soon' }, 'hold'],
  ])('rejects %s, pointing at the field', (_, input, path) => {
    const result = Policy.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('an empty node override carries no defaults that could overwrite the factory', () => {
    expect(PolicyOverride.parse({})).toEqual({});
  });
});

describe('effectivePolicy(factoryPolicy, nodePolicyOverride)', () => {
  it.each([
    ['no override', undefined, factory],
    ['an empty override', {}, factory],
    ['scalars replace', { hold: '10s', mounts: ['/', '/data'] }, { ...factory, hold: '10s', mounts: ['/', '/data'] }],
    [
      'a threshold replaces that signal only, the level keeps its other signals',
      { levels: { '1': { memAvailableMb: { halt: 400, resume: 600 } } } },
      {
        ...factory,
        levels: {
          ...factory.levels,
          '1': { memAvailableMb: { halt: 400, resume: 600 }, diskUsedPercent: { halt: 80, resume: 75 } },
        },
      },
    ],
    [
      'null switches a signal off on this node',
      { levels: { '3': { swapUsedMb: null } } },
      {
        ...factory,
        levels: {
          ...factory.levels,
          '3': { memAvailableMb: { halt: 500, resume: 1000 }, diskUsedPercent: { halt: 95, resume: 90 } },
        },
      },
    ],
  ])('%s', (_, override, expected) => {
    const parsed = override === undefined ? undefined : PolicyOverride.parse(override);
    expect(effectivePolicy(factory, parsed)).toEqual(expected);
  });

  it('does not change the factory policy it was given', () => {
    const before = structuredClone(factory);
    effectivePolicy(factory, PolicyOverride.parse({ levels: { '1': { diskUsedPercent: null } }, hold: '1s' }));
    expect(factory).toEqual(before);
  });

  it('the result is a valid Policy', () => {
    const merged = effectivePolicy(
      factory,
      PolicyOverride.parse({ levels: { '2': { load1PerCore: { halt: 4, resume: 2 } } } }),
    );
    expect(Policy.parse(merged)).toEqual(merged);
  });
});
