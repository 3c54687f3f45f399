import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BranchProtection, ForgeLabel } from '../../../src/domain/ports/forge.js';
import { createMemoryForge } from '../../../src/adapters/forge/memory-forge.js';
import { ResolvedRepoConfig } from '../../../src/domain/config/repo-schema.js';
import { applyPlan } from '../../../src/domain/reconcile/apply.js';
import { planReconcile, toBranchProtection, type Observed } from '../../../src/domain/reconcile/plan.js';

const config = (c: Record<string, unknown>) => ResolvedRepoConfig.parse({ forge: 'f', ...c });
const label = (id: number, name: string, color: string, description = '', exclusive = false): ForgeLabel => ({
  id,
  name,
  color,
  description,
  exclusive,
});
const rule = (branch: string, extra: Partial<BranchProtection> = {}): BranchProtection => ({
  ...toBranchProtection({ branch, requiredApprovals: 1, requiredStatusChecks: ['ci'] }),
  ...extra,
});
const none: Observed = { labels: [], protections: [] };
const summary = (c: ResolvedRepoConfig, o: Observed) => {
  const p = planReconcile(c, o);
  return {
    actions: p.actions.map(
      (a) => `${a.kind} ${a.name}${'changes' in a ? ` (${a.changes.map((x) => x.field).join(',')})` : ''}`,
    ),
    unmanaged: p.unmanaged,
  };
};

describe('planReconcile: labels', () => {
  const want = config({ labels: [{ name: 'bug', color: '#D73A4A', description: 'broken' }] });
  it.each([
    ['missing label is created', none, ['create-label bug'], []],
    [
      'equal label: nothing to do (colour case and # ignored)',
      { labels: [label(1, 'bug', 'd73a4a', 'broken')], protections: [] },
      [],
      [],
    ],
    [
      'different colour is updated',
      { labels: [label(1, 'bug', '#000000', 'broken')], protections: [] },
      ['update-label bug (color)'],
      [],
    ],
    [
      'different description and exclusive are updated',
      { labels: [label(1, 'bug', '#d73a4a', '', true)], protections: [] },
      ['update-label bug (description,exclusive)'],
      [],
    ],
    [
      'a name in another case is renamed, not duplicated',
      { labels: [label(1, 'Bug', '#d73a4a', 'broken')], protections: [] },
      ['update-label bug (name)'],
      [],
    ],
    [
      'unmanaged label is left alone and reported',
      { labels: [label(1, 'bug', 'd73a4a', 'broken'), label(2, 'mine', 'ffffff')], protections: [] },
      [],
      ['mine'],
    ],
  ])('%s', (_n, observed, actions, unmanaged) => {
    expect(summary(want, observed as Observed)).toEqual({ actions, unmanaged: { labels: unmanaged, protections: [] } });
  });

  it('prune deletes unmanaged labels', () => {
    const pruned = config({ labels: [], prune: { labels: true } });
    expect(summary(pruned, { labels: [label(2, 'mine', 'ffffff')], protections: [] }).actions).toEqual([
      'delete-label mine',
    ]);
  });
});

describe('planReconcile: branch protection', () => {
  const want = config({ branchProtection: [{ branch: 'main', requiredApprovals: 1, requiredStatusChecks: ['ci'] }] });
  it.each([
    ['missing rule is created', none, ['create-protection main'], []],
    ['equal rule: nothing', { labels: [], protections: [rule('main')] }, [], []],
    [
      'check order does not matter',
      { labels: [], protections: [rule('main', { statusCheckContexts: ['ci', 'ci'] })] },
      [],
      [],
    ],
    [
      'approvals differ',
      { labels: [], protections: [rule('main', { requiredApprovals: 0 })] },
      ['update-protection main (requiredApprovals)'],
      [],
    ],
    [
      'names of a disabled allow-list are ignored',
      { labels: [], protections: [rule('main', { pushWhitelistUsernames: ['x'] })] },
      [],
      [],
    ],
    [
      'enabled allow-list is turned off',
      { labels: [], protections: [rule('main', { enablePushWhitelist: true, pushWhitelistUsernames: ['x'] })] },
      ['update-protection main (enablePushWhitelist)'],
      [],
    ],
    ['unmanaged rule left alone', { labels: [], protections: [rule('main'), rule('dev')] }, [], ['dev']],
  ])('%s', (_n, observed, actions, unmanaged) => {
    expect(summary(want, observed as Observed)).toEqual({ actions, unmanaged: { labels: [], protections: unmanaged } });
  });

  it('allow-lists: absent = off, [] = nobody', () => {
    const p = toBranchProtection({ branch: 'main', requiredApprovals: 0, requiredStatusChecks: [], pushAllowlist: [] });
    expect([p.enablePushWhitelist, p.pushWhitelistUsernames, p.enableMergeWhitelist, p.enableStatusCheck]).toEqual([
      true,
      [],
      false,
      false,
    ]);
  });

  it('prune deletes unmanaged rules', () => {
    expect(
      summary(config({ prune: { branchProtection: true } }), { labels: [], protections: [rule('dev')] }).actions,
    ).toEqual(['delete-protection dev']);
  });
});

describe('apply', () => {
  const name = fc.stringMatching(/^[a-zA-Z][a-z0-9-]{0,6}$/);
  const color = fc.stringMatching(/^#?[0-9a-fA-F]{6}$/);
  const labels = fc.uniqueArray(
    fc.record({ name, color, description: fc.constantFrom('', 'a', 'b'), exclusive: fc.boolean() }),
    { selector: (l) => l.name.toLowerCase(), maxLength: 6 },
  );
  const rules = fc.uniqueArray(
    fc.record({
      branch: fc.constantFrom('main', 'dev', 'release/*'),
      requiredApprovals: fc.nat(3),
      requiredStatusChecks: fc.subarray(['ci', 'lint']),
      pushAllowlist: fc.option(fc.subarray(['a', 'b']), { nil: undefined }),
    }),
    { selector: (r) => r.branch },
  );

  it('converges in one apply: a second plan is empty, whatever the forge held (property)', async () => {
    await fc.assert(
      fc.asyncProperty(labels, labels, rules, rules, fc.boolean(), async (want, have, wantRules, haveRules, prune) => {
        const forge = createMemoryForge({
          'o/r': {
            labels: have.map((l, i) => ({ ...l, id: i + 1 })),
            protections: haveRules.map((r) => toBranchProtection({ ...r })),
          },
        });
        const desired = config({
          labels: want,
          branchProtection: wantRules,
          prune: { labels: prune, branchProtection: prune },
        });
        const first = planReconcile(desired, {
          labels: await forge.listLabels('o/r'),
          protections: await forge.listBranchProtections('o/r'),
        });
        const result = await applyPlan(forge, 'o/r', first);
        expect(result.failed).toBeUndefined();
        const second = planReconcile(desired, {
          labels: await forge.listLabels('o/r'),
          protections: await forge.listBranchProtections('o/r'),
        });
        expect(second.actions).toEqual([]);
      }),
    );
  });

  it('stops at the first failed write and returns it as data', async () => {
    const forge = createMemoryForge({ 'o/r': {} });
    const plan = planReconcile(config({ labels: [{ name: 'a', color: 'ffffff' }] }), none);
    const result = await applyPlan(forge, 'o/other', plan);
    expect(result.applied).toEqual([]);
    expect(result.failed?.action.name).toBe('a');
  });
});
