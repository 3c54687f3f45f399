import { describe, expect, it } from 'vitest';
import { PULL_EVERY_MS, pullStep } from '../../../src/domain/node/pull-schedule.js';

const T = 1_000_000;

describe('pullStep', () => {
  it.each([
    { situation: 'never pulled (last at 0): due', now: T, lastPullAt: 0, force: false, running: false, step: 'start' },
    {
      situation: 'the period has passed: due',
      now: T + PULL_EVERY_MS,
      lastPullAt: T,
      force: false,
      running: false,
      step: 'start',
    },
    {
      situation: 'within the period: not yet',
      now: T + PULL_EVERY_MS - 1,
      lastPullAt: T,
      force: false,
      running: false,
      step: 'skip',
    },
    {
      situation: 'forced (`--once`) within the period: now',
      now: T + 1,
      lastPullAt: T,
      force: true,
      running: false,
      step: 'start',
    },
    {
      situation: 'due while one runs: wait for it, no second pull',
      now: T + PULL_EVERY_MS,
      lastPullAt: T,
      force: false,
      running: true,
      step: 'join',
    },
    {
      situation: 'forced while one runs: wait for that one',
      now: T + 1,
      lastPullAt: T,
      force: true,
      running: true,
      step: 'join',
    },
  ])('$situation', ({ now, lastPullAt, force, running, step }) => {
    expect(pullStep({ now, lastPullAt, force, running })).toBe(step);
  });
});
