import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../src/errors.js';
import { problemsOf, validateControlRepo, type ControlFile } from '../../../src/domain/config/validate.js';

const FACTORY = [
  'version: 1', //                                              1
  'name: test-factory', //                                      2
  'roles:', //                                                  3
  '  dev: { haltLevel: 1 }', //                                 4
  'nodes:', //                                                  5
  '  vps1: { roles: [dev] }', //                                6
  'alerts:', //                                                 7
  '  groupWait: 30s', //                                        8
  '  rules:', //                                                9
  '    - { signal: node-down }', //                            10
  '    - { signal: disk-forecast, horizon: 6h }', //           11
  '    - { signal: role-halted, for: 1h, name: halted-long }', // 12
];
const factory = (replace: Record<number, string> = {}): ControlFile => ({
  path: 'factory.yaml',
  text: FACTORY.map((line, i) => replace[i + 1] ?? line).join('\n') + '\n',
});
const errors = (f: ControlFile) =>
  problemsOf(validateControlRepo([f]))
    .filter((p) => p.severity === 'error')
    .map((p) => formatProblem(p));

describe('validate: alert rules', () => {
  it('accepts the documented forms', () => expect(errors(factory())).toEqual([]));

  it.each([
    [
      'a rule with an unknown signal',
      { 10: '    - { signal: node-gone }' },
      /^factory\.yaml:10:\d+: alerts\.rules\.0\.signal: /,
    ],
    [
      'a duration that does not parse',
      { 11: '    - { signal: disk-forecast, horizon: soon }' },
      /^factory\.yaml:11:\d+: alerts\.rules\.1\.horizon: a duration/,
    ],
    [
      'a group timing that does not parse',
      { 8: '  groupWait: 30 seconds' },
      /^factory\.yaml:8:\d+: alerts\.groupWait: a duration/,
    ],
    [
      'a rule name that is not a name',
      { 12: '    - { signal: role-halted, name: "Halted Long" }' },
      /^factory\.yaml:12:\d+: alerts\.rules\.2\.name: /,
    ],
  ])('%s: an error at its file, line and field', (_what, replace, expected) => {
    const found = errors(factory(replace));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });
});
