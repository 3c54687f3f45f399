import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  problemsOf,
  validateControlRepo,
  type ControlFile,
  type ValidationResult,
} from '../../../src/domain/config/validate.js';

const VALID_FACTORY = {
  version: 1,
  name: 'prop-factory',
  roles: {
    dev: { haltLevel: 1, heavy: true, command: './dev-poll.sh', schedule: { min: '2m', max: '30m' } },
    review: { haltLevel: 2, command: './review-poll.sh' },
    supervisor: { protected: true },
  },
  nodes: { default: { roles: ['dev', 'review', 'supervisor'] } },
  policy: {
    levels: {
      '1': { memAvailableMb: { halt: 2000, resume: 2500 } },
      '2': { diskUsedPercent: { halt: 90, resume: 85 } },
    },
  },
};
const VALID_OVERRIDES = {
  overrides: [{ role: 'dev', action: 'halt', reason: 'disk', by: 'alice', since: '2026-01-01T00:00:00Z' }],
};

const PATHS = [
  'factory.yaml',
  'factory-state/overrides.yaml',
  'factory-state/halts.yaml',
  'repos/presets/labels.yaml',
  'repos/acme/web.yaml',
  'repos/misplaced.yaml',
  '.woodpecker/ci.yaml',
];

/** Every outcome is well-formed: ok, or located errors; every location lies inside its file. */
function expectWellFormed(result: ValidationResult, files: ControlFile[]): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
  for (const p of problemsOf(result)) {
    const text = files.find((f) => f.path === p.file)?.text ?? '';
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.line).toBeLessThanOrEqual(text.split('\n').length + 1);
    expect(p.col).toBeGreaterThanOrEqual(1);
    expect(typeof p.field).toBe('string');
    expect(p.message.length).toBeGreaterThan(0);
  }
}

/** A path into a JSON value, and a new value to put there (or undefined to delete it). */
const mutation = fc.record({
  steps: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
  value: fc.option(fc.anything(), { nil: undefined }),
});

function mutate(root: unknown, steps: number[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  let node: unknown = copy;
  for (let i = 0; i < steps.length; i++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[steps[i]! % keys.length]!;
    const target = node as Record<string, unknown>;
    if (i === steps.length - 1 || target[key] === null || typeof target[key] !== 'object') {
      if (value === undefined) delete target[key];
      else target[key] = value;
      break;
    }
    node = target[key];
  }
  return copy;
}

describe('validate never throws (property)', () => {
  it('on any JSON-ish value written as YAML, at any path', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.anything(), (path, value) => {
        const files = [{ path, text: stringify(value) ?? '' }];
        expectWellFormed(validateControlRepo(files), files);
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary text, YAML-ish or not', () => {
    const yamlish = fc
      .array(
        fc.constantFrom(
          'roles:',
          '  dev:',
          '    haltLevel: ',
          '\t',
          '- ',
          '{',
          '}',
          '[',
          ']',
          ': ',
          '"',
          "'",
          '&a ',
          '*a',
          '!!str ',
          '? ',
          '|',
          '>',
          '#',
          '---',
          '...',
          '\n',
          '  ',
          'x',
          '1',
          'ghp_',
          '-----BEGIN ',
        ),
        { maxLength: 60 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.oneof(fc.string({ maxLength: 300 }), yamlish), (path, text) => {
        const files = [{ path, text }];
        expectWellFormed(validateControlRepo(files), files);
      }),
      { numRuns: 500 },
    );
  });

  it('on mutations of a valid control repo (values replaced or deleted anywhere), cross-file rules included', () => {
    fc.assert(
      fc.property(mutation, mutation, ({ steps, value }, other) => {
        const files = [
          { path: 'factory.yaml', text: stringify(mutate(VALID_FACTORY, steps, value)) ?? '' },
          {
            path: 'factory-state/overrides.yaml',
            text: stringify(mutate(VALID_OVERRIDES, other.steps, other.value)) ?? '',
          },
        ];
        expectWellFormed(validateControlRepo(files, { now: 0 }), files);
      }),
      { numRuns: 500 },
    );
  });

  it('on text edits of a valid factory.yaml (a character deleted or inserted)', () => {
    const text = stringify(VALID_FACTORY);
    fc.assert(
      fc.property(
        fc.nat({ max: text.length }),
        fc.option(fc.constantFrom(' ', '\t', ':', '-', '"', '{', '\n', 'x', '9'), { nil: undefined }),
        (at, insert) => {
          const edited =
            insert === undefined ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + insert + text.slice(at);
          const files = [{ path: 'factory.yaml', text: edited }];
          expectWellFormed(validateControlRepo(files), files);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the unmutated repo is valid, so the mutations above start from ok', () => {
    const result = validateControlRepo([
      { path: 'factory.yaml', text: stringify(VALID_FACTORY) },
      { path: 'factory-state/overrides.yaml', text: stringify(VALID_OVERRIDES) },
    ]);
    expect(problemsOf(result)).toEqual([]);
  });
});
