import type { RoleConfig } from '../config/roles-schema.js';
import type { CiOverloadConfig } from './ci-overload.js';
import { isProtectedRole } from '../roles/protected.js';

/** The roles CI overload halts: `first` past the first limit, `second` added past the second. */
export interface CiHaltRoles {
  first: string[];
  second: string[];
}

/**
 * From supervisor.ciOverload.roles when given, else from each role's haltLevel: the roles that
 * halt second under memory pressure (haltLevel 2, review-like) go first, the heaviest (haltLevel 1)
 * follow. Roles at level 3 and protected roles are never halted for CI. No role name is built in.
 */
export function ciHaltRoles(
  cfg: Pick<CiOverloadConfig, 'roles'>,
  roles: Record<string, { protected?: boolean; haltLevel?: RoleConfig['haltLevel'] }>,
): CiHaltRoles {
  const byLevel = (level: number) =>
    Object.entries(roles)
      .filter(([name, role]) => !isProtectedRole(name, role) && role.haltLevel === level)
      .map(([name]) => name)
      .sort();
  const first = cfg.roles?.first ?? byLevel(2);
  const second = (cfg.roles?.second ?? byLevel(1)).filter((r) => !first.includes(r));
  return { first, second };
}

/** The roles halted at a CI overload level. */
export function ciRolesAtLevel(roles: CiHaltRoles, level: 0 | 1 | 2): string[] {
  return level === 0 ? [] : level === 1 ? [...roles.first] : [...roles.first, ...roles.second];
}
