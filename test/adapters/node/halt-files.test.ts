import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyHaltFiles } from '../../../src/adapters/node/halt-files.js';
import { assignmentsFor } from '../../../src/domain/assignments.js';
import { localPlan } from '../../../src/domain/local-plan.js';
import { factory, haltOverride, repo, stateOfFrom } from '../../support/apply-fixture.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'factoryctl-halt-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const repos = [
  repo('o/a', { agents: { dev: { enabled: true }, review: { enabled: true } } }),
  repo('o/b', { agents: { dev: { enabled: true } } }),
];
function plan(sources: Parameters<typeof stateOfFrom>[1] = {}) {
  const paths = { runDir: join(root, 'run'), stateDir: join(root, 'state') };
  return localPlan({
    assignments: assignmentsFor('n1', factory(), repos),
    roles: ['dev', 'review', 'supervisor'],
    stateOf: stateOfFrom('n1', sources),
    paths,
    cron: { controlDir: root, node: 'n1', nodeBin: process.execPath, cli: join(root, 'bin/factoryctl.js') },
  });
}
const haltNames = () => readdirSync(join(root, 'run/halt')).sort();
const stateNames = () => readdirSync(join(root, 'state')).sort();

describe('applyHaltFiles on real files', () => {
  it('creates what the plan wants, and a second apply changes nothing', () => {
    const first = applyHaltFiles(plan({ overrides: [haltOverride('dev')] }));
    expect(first.written.map((p) => p.slice(root.length))).toEqual([
      '/run/halt/dev',
      '/run/halt/dev@o__a',
      '/run/halt/dev@o__b',
    ]);
    expect(first.activeCreated.map((p) => p.slice(root.length))).toEqual([
      '/state/.review-active',
      '/state/.supervisor-active',
    ]);
    expect(haltNames()).toEqual(['dev', 'dev@o__a', 'dev@o__b']);
    expect(stateNames()).toEqual(['.review-active', '.supervisor-active']);
    expect(JSON.parse(readFileSync(join(root, 'run/halt/dev'), 'utf8'))).toMatchObject({
      role: 'dev',
      reason: 'paused by a human',
      by: 'alice',
      source: 'override',
    });
    expect(existsSync(join(root, 'run/log'))).toBe(true);

    expect(applyHaltFiles(plan({ overrides: [haltOverride('dev')] }))).toEqual({
      written: [],
      removed: [],
      activeCreated: [],
      activeRemoved: [],
      foreign: [],
      external: [],
    });
  });

  it.each([
    {
      situation: 'resume: halt files go, .dev-active comes back',
      then: {},
      halts: [],
      state: ['.dev-active', '.review-active', '.supervisor-active'],
    },
    {
      situation: 'narrowed to one repository',
      then: { overrides: [haltOverride('dev', 'o/b')] },
      halts: ['dev@o__b'],
      state: ['.dev-active', '.review-active', '.supervisor-active'],
    },
    {
      situation: 'reason changed: rewritten in place',
      then: { overrides: [haltOverride('dev', undefined, 'disk')] },
      halts: ['dev', 'dev@o__a', 'dev@o__b'],
      state: ['.review-active', '.supervisor-active'],
    },
  ])('from dev halted, $situation', ({ then, halts, state }) => {
    applyHaltFiles(plan({ overrides: [haltOverride('dev')] }));
    applyHaltFiles(plan(then));
    expect(haltNames()).toEqual(halts);
    expect(stateNames()).toEqual(state);
    for (const name of halts)
      expect(() => JSON.parse(readFileSync(join(root, 'run/halt', name), 'utf8'))).not.toThrow();
  });

  it("keeps a hand-made halt file (reported as foreign) and cleans a kill's temporary leftovers", () => {
    mkdirSync(join(root, 'run/halt'), { recursive: true });
    writeFileSync(join(root, 'run/halt/dev'), 'halted by hand\n');
    writeFileSync(join(root, 'run/halt/.dev@o__a.4242.tmp'), '{"role":"de');
    const r = applyHaltFiles(plan());
    expect(r.foreign.map((p) => p.slice(root.length))).toEqual(['/run/halt/dev']);
    expect(r.removed.map((p) => p.slice(root.length))).toEqual(['/run/halt/.dev@o__a.4242.tmp']);
    expect(haltNames()).toEqual(['dev']);
  });
});
