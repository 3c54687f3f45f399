import { LEVEL_KEYS } from '../config/level-keys.js';
import type { LevelSignals, Policy, PolicyOverride } from '../config/policy-schema.js';

type SignalKey = keyof LevelSignals;
const SIGNAL_KEYS: readonly SignalKey[] = ['memAvailableMb', 'swapUsedMb', 'diskUsedPercent', 'load1PerCore'];

/**
 * The policy a node applies: the factory's, with the node's overrides on top. Scalars and the
 * mount list are replaced; thresholds are replaced signal by signal (a null switches a signal
 * off on that node), so a 2 GB node can lower its memory lines and keep the factory's disk lines.
 */
export function effectivePolicy(factoryPolicy: Policy, nodePolicyOverride?: PolicyOverride): Policy {
  if (!nodePolicyOverride) return factoryPolicy;
  const { levels: levelOverrides, ...scalars } = nodePolicyOverride;
  const defined = Object.fromEntries(Object.entries(scalars).filter(([, v]) => v !== undefined)) as Partial<Policy>;
  const levels: Policy['levels'] = { ...factoryPolicy.levels };
  for (const key of LEVEL_KEYS) {
    const override = levelOverrides?.[key];
    if (!override) continue;
    const merged: Record<string, unknown> = { ...(factoryPolicy.levels[key] ?? {}) };
    for (const signal of SIGNAL_KEYS) {
      const value = override[signal];
      if (value === null) delete merged[signal];
      else if (value !== undefined) merged[signal] = value;
    }
    levels[key] = merged as LevelSignals;
  }
  return { ...factoryPolicy, ...defined, levels };
}
