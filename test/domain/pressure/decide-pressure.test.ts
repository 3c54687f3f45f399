import { describe, expect, it } from 'vitest';
import { decidePressure } from '../../../src/domain/pressure/decide-pressure.js';
import { initialPressureState, readPressureState } from '../../../src/domain/pressure/pressure-state.js';
import { changes, defaultPolicy, last, M, run, S, sample, type Phase } from './pressure-fixtures.js';

const policy = defaultPolicy();

describe('decidePressure: sample sequences -> level changes over time (hold 30s, resumeHold 2m, stabilisation 5m)', () => {
  const table: { situation: string; phases: Phase[]; expected: [number, number][] }[] = [
    { situation: 'healthy machine: nothing happens', phases: [{ from: 0, to: 30 * M }], expected: [] },
    {
      situation: 'a 25 s dip below 2000 MB (under the 30 s hold) does nothing',
      phases: [
        { from: 0, to: 25 * S, reading: { mem: 1800 } },
        { from: 25 * S, to: 10 * M },
      ],
      expected: [],
    },
    {
      situation: 'a 25 s crash to 300 MB does nothing either',
      phases: [
        { from: 0, to: 25 * S, reading: { mem: 300 } },
        { from: 25 * S, to: 10 * M },
      ],
      expected: [],
    },
    {
      situation: 'repeated short dips never add up',
      phases: [0, 1, 2, 3].flatMap((i): Phase[] => [
        { from: i * M, to: i * M + 20 * S, reading: { mem: 1800 } },
        { from: i * M + 20 * S, to: (i + 1) * M },
      ]),
      expected: [],
    },
    {
      situation: 'below 2000 MB for 30 s halts dev (level 1) at t=30s',
      phases: [{ from: 0, to: 2 * M, reading: { mem: 1800 } }],
      expected: [[30 * S, 1]],
    },
    {
      situation: 'dev first, then review when memory falls below 1500 MB',
      phases: [
        { from: 0, to: 60 * S, reading: { mem: 1800 } },
        { from: 60 * S, to: 3 * M, reading: { mem: 1400 } },
      ],
      expected: [
        [30 * S, 1],
        [90 * S, 2],
      ],
    },
    {
      situation: 'a crash goes straight to level 3, not through 1 and 2',
      phases: [{ from: 0, to: 2 * M, reading: { mem: 300 } }],
      expected: [[30 * S, 3]],
    },
    {
      situation: 'swap above 3 GB with less than 2000 MB available is a crisis',
      phases: [{ from: 0, to: 2 * M, reading: { mem: 1900, swap: 3500 } }],
      expected: [[30 * S, 3]],
    },
    {
      situation: 'swap above 3 GB with plenty of memory is not pressure',
      phases: [{ from: 0, to: 10 * M, reading: { mem: 5000, swap: 3500 } }],
      expected: [],
    },
    {
      situation: 'disk above 80% halts dev, above 90% review',
      phases: [
        { from: 0, to: M, reading: { disk: 85 } },
        { from: M, to: 2 * M, reading: { disk: 92 } },
      ],
      expected: [
        [30 * S, 1],
        [90 * S, 2],
      ],
    },
    {
      situation:
        'resume: level 2 released after 2m of >= 2000 MB once 5m passed since the halt, then level 1 one window later',
      phases: [
        { from: 0, to: M, reading: { mem: 1400 } },
        { from: M, to: 30 * M, reading: { mem: 3000 } },
      ],
      expected: [
        [30 * S, 2],
        [30 * S + 5 * M, 1],
        [30 * S + 10 * M, 0],
      ],
    },
    {
      situation: 'resume from a crisis goes 3 -> 2 -> 1 -> 0, one stabilisation window apart',
      phases: [
        { from: 0, to: M, reading: { mem: 300 } },
        { from: M, to: 30 * M, reading: { mem: 3000 } },
      ],
      expected: [
        [30 * S, 3],
        [330 * S, 2],
        [630 * S, 1],
        [930 * S, 0],
      ],
    },
    {
      situation: 'resume needs the resume threshold held: a long recovery after the window still waits 2m',
      phases: [
        { from: 0, to: 10 * M, reading: { mem: 1800 } },
        { from: 10 * M, to: 20 * M, reading: { mem: 2600 } },
      ],
      expected: [
        [30 * S, 1],
        [12 * M, 0],
      ],
    },
    {
      situation: 'a dip into the hysteresis band restarts the resume hold',
      phases: [
        { from: 0, to: 10 * M, reading: { mem: 1800 } },
        { from: 10 * M, to: 11 * M, reading: { mem: 2600 } },
        { from: 11 * M, to: 11 * M + 10 * S, reading: { mem: 2200 } },
        { from: 11 * M + 10 * S, to: 20 * M, reading: { mem: 2600 } },
      ],
      expected: [
        [30 * S, 1],
        [13 * M + 10 * S, 0],
      ],
    },
    {
      situation: 'hysteresis band at level 1: between 2000 and 2500 MB for an hour changes nothing',
      phases: [
        { from: 0, to: M, reading: { mem: 1800 } },
        { from: M, to: 61 * M, reading: { mem: 2200 } },
      ],
      expected: [[30 * S, 1]],
    },
    {
      situation: 'hysteresis band at level 0: between 2000 and 2500 MB never halts',
      phases: [{ from: 0, to: 60 * M, reading: { mem: 2200 } }],
      expected: [],
    },
    {
      situation: 'swap still high but memory back above 2500 MB releases the crisis',
      phases: [
        { from: 0, to: M, reading: { mem: 1900, swap: 3500 } },
        { from: M, to: 20 * M, reading: { mem: 3000, swap: 3500 } },
      ],
      expected: [
        [30 * S, 3],
        [330 * S, 2],
        [630 * S, 1],
        [930 * S, 0],
      ],
    },
    {
      situation: 'missing data (sampler failure) never resumes',
      phases: [
        { from: 0, to: M, reading: { mem: 1800 } },
        { from: M, to: 61 * M, reading: 'none' },
      ],
      expected: [[30 * S, 1]],
    },
    {
      situation: 'a NaN memory figure never resumes either',
      phases: [
        { from: 0, to: M, reading: { mem: 1800 } },
        { from: M, to: 61 * M, reading: { mem: Number.NaN } },
      ],
      expected: [[30 * S, 1]],
    },
    {
      situation: 'an unmeasured mount blocks a resume even when memory is fine',
      phases: [
        { from: 0, to: M, reading: { mem: 1800 } },
        { from: M, to: 61 * M, reading: { mem: 6000, disk: Number.NaN } },
      ],
      expected: [[30 * S, 1]],
    },
    {
      situation: 'after missing data, the resume hold starts again from the first good sample',
      phases: [
        { from: 0, to: 10 * M, reading: { mem: 1800 } },
        { from: 10 * M, to: 11 * M, reading: 'none' },
        { from: 11 * M, to: 20 * M, reading: { mem: 3000 } },
      ],
      expected: [
        [30 * S, 1],
        [13 * M, 0],
      ],
    },
    {
      situation: 'a missing sample inside a halt streak does not restart the hold',
      phases: [
        { from: 0, to: 20 * S, reading: { mem: 1800 } },
        { from: 20 * S, to: 25 * S, reading: 'none' },
        { from: 25 * S, to: M, reading: { mem: 1800 } },
      ],
      expected: [[30 * S, 1]],
    },
  ];

  it.each(table)('$situation', ({ phases, expected }) => {
    expect(changes(run(policy, phases))).toEqual(expected);
  });

  it('hold 0 acts on the first sample past the threshold', () => {
    const ticks = run(defaultPolicy({ hold: '0s' }), [
      { from: 0, to: 10 * S },
      { from: 10 * S, to: 20 * S, reading: { mem: 1400 } },
    ]);
    expect(changes(ticks)).toEqual([[10 * S, 2]]);
    expect(ticks[2]!.decision.reason).toBe('level 2: MemAvailable 1400 MB < 1500 MB');
  });
});

describe('decidePressure: reasons and events', () => {
  it('says why with figures, and journals the pending halt, the change and the ignored spike', () => {
    const ticks = run(policy, [
      { from: 0, to: 30 * S, reading: { mem: 1432 } },
      { from: 30 * S, to: 35 * S, reading: { mem: 1432 } },
    ]);
    expect(ticks[0]!.decision.events).toEqual([
      {
        kind: 'halt-pending',
        at: 0,
        level: 1,
        reason: 'level 1 engages in 30s if it lasts: MemAvailable 1432 MB < 2000 MB',
      },
      {
        kind: 'halt-pending',
        at: 0,
        level: 2,
        reason: 'level 2 engages in 30s if it lasts: MemAvailable 1432 MB < 1500 MB',
      },
    ]);
    expect(ticks[2]!.decision.reason).toBe('level 2 pending: MemAvailable 1432 MB < 1500 MB for 10s of the 30s hold');
    const engaged = last(ticks).decision;
    expect(engaged).toMatchObject({
      level: 2,
      changed: true,
      reason: 'level 2: MemAvailable 1432 MB < 1500 MB for 30s',
    });
    expect(engaged.events).toEqual([{ kind: 'level-changed', at: 30 * S, from: 0, to: 2, reason: engaged.reason }]);

    const spike = run(policy, [
      { from: 0, to: 10 * S, reading: { mem: 1800 } },
      { from: 10 * S, to: 15 * S },
    ]);
    expect(last(spike).decision.events).toEqual([
      {
        kind: 'spike-ignored',
        at: 10 * S,
        level: 1,
        reason: 'level 1 condition lasted 10s, under the 30s hold: ignored',
      },
    ]);
  });

  it('explains a waiting resume, and names what is missing', () => {
    const ticks = run(policy, [
      { from: 0, to: M, reading: { mem: 1800 } },
      { from: M, to: 2 * M, reading: { mem: 2200 } },
      { from: 2 * M, to: 3 * M, reading: { mem: 2700 } },
      { from: 3 * M, to: 5 * M, reading: { mem: 2700 } },
      { from: 5 * M, to: 5 * M + 5 * S, reading: 'none' },
    ]);
    expect(ticks.find((t) => t.at === 90 * S)!.decision.reason).toBe(
      'level 1 holds: MemAvailable 2200 MB, not yet back to 2500 MB',
    );
    expect(ticks.find((t) => t.at === 150 * S)!.decision.reason).toBe(
      'level 1 resuming: MemAvailable 2700 MB >= 2500 MB and disk / 40% used <= 75% for 30s of the 2m resume hold',
    );
    expect(ticks.find((t) => t.at === 4 * M + 30 * S)!.decision.reason).toBe(
      'level 1 resuming: waiting out the 5m stabilisation (60s left)',
    );
    expect(last(ticks).decision.events).toEqual([
      {
        kind: 'signals-missing',
        at: 5 * M,
        signals: ['MemAvailable', 'disk /', 'swap'],
        reason: 'not measured: MemAvailable, disk /, swap; no resume until they are',
      },
    ]);
    expect(last(ticks).decision.reason).toBe('level 1 holds: MemAvailable not measured and disk / not measured');
  });
});

describe('decidePressure: time and persistence', () => {
  it('continues identically from a state that went through JSON (the node restarts)', () => {
    const phases: Phase[] = [
      { from: 0, to: M, reading: { mem: 1400 } },
      { from: M, to: 20 * M, reading: { mem: 3000 } },
    ];
    const straight = run(policy, phases);
    const half = run(policy, [
      { from: 0, to: M, reading: { mem: 1400 } },
      { from: M, to: 4 * M, reading: { mem: 3000 } },
    ]);
    const stored = readPressureState(JSON.parse(JSON.stringify(last(half).decision.state)));
    expect(stored.problem).toBeUndefined();
    const resumed = run(policy, [{ from: 4 * M, to: 20 * M, reading: { mem: 3000 } }], stored.state);
    expect(changes(resumed)).toEqual(changes(straight).filter(([at]) => at >= 4 * M));
  });

  it('an unreadable stored state starts at level 0 and says why', () => {
    expect(readPressureState({ level: 7 })).toMatchObject({
      state: initialPressureState(),
      problem: expect.stringContaining('unreadable'),
    });
  });

  it('a gap in the record (daemon down) restarts the hold instead of counting unwatched time', () => {
    const first = decidePressure(initialPressureState(), sample(0, { mem: 1800 }), policy, 0);
    const afterGap = decidePressure(first.state, sample(10 * M, { mem: 1800 }), policy, 10 * M);
    expect(afterGap.level).toBe(0);
    expect(afterGap.state.haltSince['1']).toBe(10 * M);
  });

  it('a stale sample counts as missing', () => {
    const engaged = last(run(policy, [{ from: 0, to: 6 * M, reading: { mem: 1800 } }])).decision.state;
    const stale = decidePressure(engaged, sample(0, { mem: 6000 }), policy, 6 * M);
    expect(stale.state.resumeSince['1']).toBeNull();
    expect(stale.state.missing).toContain('MemAvailable');
  });
});
