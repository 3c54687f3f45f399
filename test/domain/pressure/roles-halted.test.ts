import { describe, expect, it } from 'vitest';
import { RoleConfig } from '../../../src/domain/config/roles-schema.js';
import { rolesHaltedAtLevel } from '../../../src/domain/pressure/roles-halted.js';

const roles = {
  dev: RoleConfig.parse({ haltLevel: 1, command: './dev-poll.sh' }),
  review: RoleConfig.parse({ haltLevel: 2, command: './review-poll.sh' }),
  gardener: RoleConfig.parse({}),
  supervisor: RoleConfig.parse({ protected: true }),
  node: RoleConfig.parse({ protected: true }),
};

describe('rolesHaltedAtLevel', () => {
  it.each([
    [0, []],
    [1, ['dev']],
    [2, ['dev', 'review']],
    [3, ['dev', 'gardener', 'review']],
  ] as const)('level %i halts %j; protected roles never', (level, expected) => {
    expect(rolesHaltedAtLevel(level, roles)).toEqual(expected);
  });

  it('a role named supervisor is never halted, even when the config forgets protected: true', () => {
    expect(
      rolesHaltedAtLevel(3, { supervisor: RoleConfig.parse({}), dev: RoleConfig.parse({ haltLevel: 1 }) }),
    ).toEqual(['dev']);
  });
});
