import { describe, expect, it } from 'vitest';
import { problemsOf, validateControlRepo } from '../../../src/domain/config/validate.js';

const factory = (placement: string) => ({
  path: 'factory.yaml',
  text: [
    'version: 1',
    'name: caps',
    'roles:',
    '  reviewer: { haltLevel: 2, maxConcurrentFactory: 3 }',
    'nodes:',
    '  vps1: { roles: [reviewer] }',
    '  vps2: { roles: [reviewer] }',
    `supervisor: { placement: { mode: ${placement} } }`,
    '',
  ].join('\n'),
});

describe('maxConcurrentFactory across machines needs placement', () => {
  it.each([
    { placement: 'off', warned: true },
    { placement: 'auto', warned: false },
  ])('placement $placement: warned $warned', ({ placement, warned }) => {
    const problems = problemsOf(validateControlRepo([factory(placement)], { partial: true }));
    const found = problems.filter((p) => p.field === 'roles.reviewer.maxConcurrentFactory');
    expect(found.map((p) => p.severity)).toEqual(warned ? ['warning'] : []);
    if (warned) expect(found[0]!.message).toContain('vps1, vps2 may each run 3 at once');
  });
});
