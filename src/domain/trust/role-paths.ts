import type { SignerRole } from './allowed-signers.js';

/**
 * What each role may change on main. Humans: anything. Supervisors: the machines' decisions in
 * factory-state/. Nodes: nothing (they write only their own telemetry branch).
 */
export function roleMayChange(role: SignerRole, file: string): boolean {
  if (role === 'human') return true;
  if (role === 'supervisor') return file.startsWith('factory-state/');
  return false;
}

/** The first file the role may not change, if any. */
export function firstForbidden(role: SignerRole, files: readonly string[]): string | undefined {
  return files.find((f) => !roleMayChange(role, f));
}
