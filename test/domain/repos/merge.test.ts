import { describe, expect, it } from 'vitest';
import { resolveRepo, type Layer } from '../../../src/domain/repos/merge.js';

type Files = Record<string, Record<string, unknown>>;
const FORGE = { forge: 'codeberg' };

/** presets by name + the repo file; returns the resolution of "o/r". */
function resolve(presets: Files, repo: Record<string, unknown>) {
  const layers = new Map<string, Layer>(
    Object.entries(presets).map(([n, v]) => [n, { file: `repos/presets/${n}.yaml`, value: v }]),
  );
  return resolveRepo('o/r', { file: 'repos/o/r.yaml', value: repo }, layers);
}
function ok(presets: Files, repo: Record<string, unknown>) {
  const r = resolve(presets, repo);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`).join('\n'));
  return r;
}

describe('deep merge of objects', () => {
  it.each([
    [
      'repo scalar wins over preset',
      { p: { ...FORGE, tokenEnv: 'A' } },
      { extends: ['p'], tokenEnv: 'B' },
      'tokenEnv',
      'B',
    ],
    [
      'preset value kept when the repo is silent',
      { p: { ...FORGE, tokenEnv: 'A' } },
      { extends: ['p'] },
      'tokenEnv',
      'A',
    ],
    [
      'nested objects merge field by field',
      { p: { ...FORGE, prune: { labels: true } } },
      { extends: ['p'], prune: { branchProtection: true } },
      'prune',
      { labels: true, branchProtection: true },
    ],
    ['later preset wins over earlier', { a: { forge: 'a' }, b: { forge: 'b' } }, { extends: ['a', 'b'] }, 'forge', 'b'],
    [
      '$replace on an object drops inherited fields',
      { p: { ...FORGE, ci: { server: 'w', repoId: 1, tokenEnv: 'CI_A' } } },
      { extends: ['p'], ci: { $replace: true, server: 'w', repoId: 2 } },
      'ci',
      { server: 'w', repoId: 2 },
    ],
    [
      'plain lists replace whole',
      { p: { ...FORGE, branchProtection: [{ branch: 'main', requiredStatusChecks: ['a', 'b'] }] } },
      { extends: ['p'], branchProtection: [{ branch: 'main', requiredStatusChecks: ['c'] }] },
      'branchProtection',
      [{ branch: 'main', requiredApprovals: 0, requiredStatusChecks: ['c'] }],
    ],
    [
      'env.vars merge as a set',
      { p: { ...FORGE, env: { vars: ['A', 'B'] } } },
      { extends: ['p'], env: { vars: ['B', 'C'] } },
      'env',
      { vars: ['A', 'B', 'C'] },
    ],
    [
      '!NAME drops an inherited variable',
      { p: { ...FORGE, env: { vars: ['A', 'B'] } } },
      { extends: ['p'], env: { vars: ['!A'] } },
      'env',
      { vars: ['B'] },
    ],
  ])('%s', (_name, presets, repo, key, expected) => {
    expect((ok(presets as Files, repo).config as Record<string, unknown>)[key]).toEqual(expected);
  });
});

const L = (name: string, color: string, extra: Record<string, unknown> = {}) => ({ name, color, ...extra });
const labelsOf = (presets: Files, repo: Record<string, unknown>) =>
  ok(presets, repo).config.labels.map((l) => `${l.name}:${l.color}:${l.description}`);

describe('keyed lists: labels by name, rules by branch, practices by id, agents by role', () => {
  const base = {
    ...FORGE,
    labels: [L('bug', 'ff0000', { description: 'broken' }), L('ready', '00ff00'), L('wontfix', 'ffffff')],
  };
  it.each([
    [
      'a new label is appended',
      { extends: ['p'], labels: [L('docs', '0000ff')] },
      ['bug:ff0000:broken', 'ready:00ff00:', 'wontfix:ffffff:', 'docs:0000ff:'],
    ],
    [
      'same name merges fields, keeps position',
      { extends: ['p'], labels: [{ name: 'bug', color: 'aa0000' }] },
      ['bug:aa0000:broken', 'ready:00ff00:', 'wontfix:ffffff:'],
    ],
    [
      '$remove drops an inherited label',
      { extends: ['p'], labels: [{ name: 'wontfix', $remove: true }] },
      ['bug:ff0000:broken', 'ready:00ff00:'],
    ],
    [
      '$replace drops inherited fields of the entry',
      { extends: ['p'], labels: [{ name: 'bug', color: 'aa0000', $replace: true }] },
      ['bug:aa0000:', 'ready:00ff00:', 'wontfix:ffffff:'],
    ],
  ])('%s', (_name, repo, expected) => {
    expect(labelsOf({ p: base }, repo)).toEqual(expected);
  });

  it('branch protection rules merge by branch', () => {
    const r = ok(
      {
        p: {
          ...FORGE,
          branchProtection: [
            { branch: 'main', requiredApprovals: 1, requiredStatusChecks: ['ci'] },
            { branch: 'release/*', requiredApprovals: 2 },
          ],
        },
      },
      {
        extends: ['p'],
        branchProtection: [
          { branch: 'main', requiredApprovals: 2 },
          { branch: 'release/*', $remove: true },
        ],
      },
    );
    expect(r.config.branchProtection).toEqual([{ branch: 'main', requiredApprovals: 2, requiredStatusChecks: ['ci'] }]);
  });

  it.each([
    ['bare path is {id: base name, file}', [], [{ id: 'testing', file: 'practices/testing.md' }]],
    [
      'append adds to the inherited practice',
      [{ id: 'testing', append: 'run npm test' }],
      [{ id: 'testing', file: 'practices/testing.md', append: 'run npm test' }],
    ],
    [
      'text replaces an inherited file',
      [{ id: 'testing', text: 'use vitest' }],
      [{ id: 'testing', text: 'use vitest' }],
    ],
    ['$remove drops it', [{ id: 'testing', $remove: true }], []],
  ])('practices: %s', (_name, own, expected) => {
    const r = ok({ p: { ...FORGE, practices: ['practices/testing.md'] } }, { extends: ['p'], practices: own });
    expect(r.config.practices).toEqual(expected);
  });

  it.each([
    [
      'fields merge',
      { dev: { weight: 3 } },
      {
        dev: { enabled: true, command: './dev-poll.sh', weight: 3 },
        review: { enabled: true, command: './review-poll.sh', weight: 1 },
      },
    ],
    [
      '$remove drops a role',
      { review: { $remove: true } },
      { dev: { enabled: true, command: './dev-poll.sh', weight: 1 } },
    ],
    [
      'nested schedule merges',
      { dev: { schedule: { max: '1h' } } },
      {
        dev: { enabled: true, command: './dev-poll.sh', weight: 1, schedule: { min: '5m', max: '1h' } },
        review: { enabled: true, command: './review-poll.sh', weight: 1 },
      },
    ],
  ])('agents: %s', (_name, own, expected) => {
    const presets = {
      p: {
        ...FORGE,
        agents: {
          dev: { command: './dev-poll.sh', schedule: { min: '5m', max: '30m' } },
          review: { command: './review-poll.sh' },
        },
      },
    };
    if (_name !== 'nested schedule merges') delete (presets.p.agents.dev as { schedule?: unknown }).schedule;
    expect(ok(presets, { extends: ['p'], agents: own }).config.agents).toEqual(expected);
  });

  it('an incomplete schedule names the file that left it incomplete', () => {
    const r = resolve({}, { ...FORGE, agents: { dev: { schedule: { max: '1h' } } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ file: 'repos/o/r.yaml', field: 'agents.dev.schedule.min' });
  });

  it('removing something not inherited is a warning, not an error', () => {
    const r = ok({}, { ...FORGE, labels: [{ name: 'ghost', $remove: true }] });
    expect(r.warnings.map((w) => w.message)).toEqual(['nothing inherited to remove']);
  });
});

describe('nested presets, cycles, missing presets', () => {
  it('presets extend presets; diamonds apply a shared preset once', () => {
    const presets = {
      base: { ...FORGE, labels: [L('bug', 'ff0000')] },
      team: { extends: ['base'], labels: [L('bug', 'aa0000')] },
      other: { extends: ['base'], labels: [L('docs', '0000ff')] },
    };
    const r = ok(presets, { extends: ['team', 'other'] });
    expect(r.presets).toEqual(['base', 'team', 'other']);
    expect(r.config.labels.map((l) => `${l.name}:${l.color}`)).toEqual(['bug:aa0000', 'docs:0000ff']);
  });

  it.each([
    ['self cycle', { a: { extends: ['a'] } }, ['a'], 'preset cycle: o/r -> a -> a'],
    ['two-step cycle', { a: { extends: ['b'] }, b: { extends: ['a'] } }, ['a'], 'preset cycle: o/r -> a -> b -> a'],
    ['missing preset', {}, ['nope'], 'missing preset "nope" (no repos/presets/nope.yaml), via o/r -> nope'],
    [
      'missing nested preset',
      { a: { extends: ['gone'] } },
      ['a'],
      'missing preset "gone" (no repos/presets/gone.yaml), via o/r -> a -> gone',
    ],
  ])('%s is an error naming the chain', (_name, presets, ext, message) => {
    const r = resolve(presets as Files, { ...FORGE, extends: ext });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message)).toEqual([message]);
  });

  it('an incomplete result points at the file that introduced the entry', () => {
    const r = resolve({ p: { labels: [{ name: 'x' }] } }, { ...FORGE, extends: ['p'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ file: 'repos/presets/p.yaml', field: 'labels[x].color' });
  });
});

describe('provenance', () => {
  it('records the file of every resolved leaf', () => {
    const r = ok(
      { p: { ...FORGE, labels: [L('bug', 'ff0000', { description: 'broken' })], env: { vars: ['A'] } } },
      { extends: ['p'], labels: [{ name: 'bug', color: 'aa0000' }], env: { vars: ['B'] } },
    );
    const files = Object.fromEntries([...r.provenance].map(([k, s]) => [k, s.file]));
    expect(files).toEqual({
      forge: 'repos/presets/p.yaml',
      'labels[bug].name': 'repos/presets/p.yaml',
      'labels[bug].color': 'repos/o/r.yaml',
      'labels[bug].description': 'repos/presets/p.yaml',
      'env.vars[A]': 'repos/presets/p.yaml',
      'env.vars[B]': 'repos/o/r.yaml',
    });
  });
});
