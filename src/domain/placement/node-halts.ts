// Which halts cordon a node for a role (its slots move) and which stop the role everywhere (its
// slots stay placed and wait for the halt to lift). Both are read through effectiveState, the one
// owner of the layering rules, so placement and the gate cannot disagree on what is halted.
import type { NodeDecision, Override, SupervisorHalt } from '../config/state-schema.js';
import { effectiveState } from '../effective-state.js';

export interface HaltSources {
  overrides: Override[];
  halts: SupervisorHalt[];
}

/** No node is called this (a node name cannot start with a NUL): only entries without a node apply to it. */
const NO_NODE = '\0factory-wide';

/** Roles halted factory-wide (an override or a supervisor halt without a node), with why. */
export function factoryWideHalts(roles: readonly string[], sources: HaltSources, now: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const role of roles) {
    const s = effectiveState({ role, node: NO_NODE }, { ...sources, protectedRoles: [] }, now);
    if (s.state === 'halt') out[role] = `${s.reason} (${s.by})`;
  }
  return out;
}

/**
 * Roles halted on this node alone, with why: its own pressure level, or an override or supervisor
 * halt scoped to it. A role halted factory-wide is not cordoned here unless the node's own level
 * halts it too (it would still be halted here once the wide halt lifts).
 */
export function nodeHalts(
  node: string,
  roles: readonly string[],
  sources: HaltSources & { decision?: NodeDecision },
  wide: Readonly<Record<string, string>>,
  now: number,
): Record<string, string> {
  const out: Record<string, string> = {};
  const inputs = { overrides: sources.overrides, halts: sources.halts, protectedRoles: [] };
  const decision = sources.decision?.node === node ? sources.decision : undefined;
  for (const role of roles) {
    const s = effectiveState({ role, node }, decision ? { ...inputs, nodeDecision: decision } : inputs, now);
    if (s.state !== 'halt') continue;
    if (s.layers.node) out[role] = `level ${decision!.level}: ${s.layers.node.reason}`;
    else if (wide[role] === undefined) out[role] = `${s.reason} (${s.by})`;
  }
  return out;
}
