import type { RoleConfig } from '../config/roles-schema.js';
import { isProtectedRole } from '../roles/protected.js';
import type { PressureLevel } from './pressure-state.js';

/** Roles halted at a pressure level, by name: haltLevel (default 3) at or below the level, never a protected one. */
export function rolesHaltedAtLevel(
  level: PressureLevel,
  roles: Record<string, Pick<RoleConfig, 'protected' | 'haltLevel'>>,
): string[] {
  return Object.entries(roles)
    .filter(([name, role]) => !isProtectedRole(name, role) && (role.haltLevel ?? 3) <= level)
    .map(([name]) => name)
    .sort();
}
