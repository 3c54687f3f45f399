// The first design principle: the supervisor is the last thing to shut down, and the node daemon
// that protects the machine with it. The one rule every layer asks, so the gate, the node and
// status cannot disagree on it, whatever factory.yaml says.

/** Never halted, even when factory.yaml forgets `protected: true` (the node daemon, if it has a role, is `node`). */
export const NEVER_HALTED: readonly string[] = ['supervisor', 'node'];

/** A role is protected when it is one of NEVER_HALTED or factory.yaml marks it `protected: true`. */
export function isProtectedRole(name: string, roleConfig?: { protected?: boolean }): boolean {
  return roleConfig?.protected === true || NEVER_HALTED.includes(name);
}

/** The protected roles among these, by name. */
export function protectedRoleNames(roles: Record<string, { protected?: boolean }>): string[] {
  return Object.entries(roles)
    .filter(([name, r]) => isProtectedRole(name, r))
    .map(([name]) => name);
}
