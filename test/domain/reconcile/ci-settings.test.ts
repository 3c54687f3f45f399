import { describe, expect, it } from 'vitest';
import { planCiSettings } from '../../../src/domain/reconcile/ci-settings.js';
import type { CiRepoSettingsSeen } from '../../../src/domain/ports/forge.js';

const SEEN: CiRepoSettingsSeen = {
  configFile: '',
  timeout: 60,
  visibility: 'public',
  allowPullRequests: true,
  allowDeploy: false,
  requireApproval: 'forks',
  netrcTrusted: [],
};

describe('planCiSettings: the Woodpecker settings that drifted, and a patch of only those', () => {
  it.each([
    { situation: 'nothing set: nothing to do', want: {}, patch: {} },
    { situation: 'all match', want: { timeout: 60, allowPullRequests: true, netrcTrusted: [] }, patch: {} },
    { situation: 'one drifted', want: { timeout: 90, visibility: 'public' as const }, patch: { timeout: 90 } },
    {
      situation: 'a list compared whole',
      want: { netrcTrusted: ['plugins/git'] },
      patch: { netrcTrusted: ['plugins/git'] },
    },
  ])('$situation', ({ want, patch }) => {
    const plan = planCiSettings(want, SEEN);
    expect(plan.patch).toEqual(patch);
    expect(plan.changes.map((c) => c.field)).toEqual(Object.keys(patch));
  });
});
