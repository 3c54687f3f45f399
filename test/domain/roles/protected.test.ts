import { describe, expect, it } from 'vitest';
import { isProtectedRole, NEVER_HALTED, protectedRoleNames } from '../../../src/domain/roles/protected.js';

describe('the one protected-role rule', () => {
  it.each([
    ['the supervisor, marked', 'supervisor', { protected: true }, true],
    ['the supervisor, unmarked', 'supervisor', { protected: false }, true],
    ['the supervisor, not in factory.yaml at all', 'supervisor', undefined, true],
    ["the node daemon's role, unmarked", 'node', {}, true],
    ['any role marked protected: true', 'gardener', { protected: true }, true],
    ['dev, unmarked', 'dev', { protected: false }, false],
    ['an unknown role', 'dev', undefined, false],
  ] as const)('%s', (_name, role, config, expected) => {
    expect(isProtectedRole(role, config)).toBe(expected);
  });

  it('lists the protected roles a config names, marked or not', () => {
    expect(NEVER_HALTED).toEqual(['supervisor', 'node']);
    expect(
      protectedRoleNames({ dev: {}, review: { protected: false }, supervisor: {}, gardener: { protected: true } }),
    ).toEqual(['supervisor', 'gardener']);
  });
});
