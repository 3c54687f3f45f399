import type { RoleConfig } from '../config/roles-schema.js';
import type { PressureLevel } from './pressure-state.js';

// The supervisor is the last thing to shut down, even if a config forgets to mark it protected.
const NEVER_HALTED = new Set(['supervisor']);

export function isProtectedRole(name: string, role: Pick<RoleConfig, 'protected'>): boolean {
  return role.protected === true || NEVER_HALTED.has(name);
}

/** Roles halted at a pressure level, by name: haltLevel (default 3) at or below the level, never a protected one. */
export function rolesHaltedAtLevel(level: PressureLevel, roles: Record<string, Pick<RoleConfig, 'protected' | 'haltLevel'>>): string[] {
  return Object.entries(roles)
    .filter(([name, role]) => !isProtectedRole(name, role) && (role.haltLevel ?? 3) <= level)
    .map(([name]) => name)
    .sort();
}
