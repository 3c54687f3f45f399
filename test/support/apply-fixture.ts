import { FactoryConfig } from '../../src/domain/config/factory-schema.js';
import { ResolvedRepoConfig } from '../../src/domain/config/repo-schema.js';
import type { Override, SupervisorHalt } from '../../src/domain/config/state-schema.js';
import { effectiveState, type RoleState } from '../../src/domain/effective-state.js';
import type { ResolvedRepo } from '../../src/domain/repos/merge.js';

/** factory.yaml as the template has it (dev, review, supervisor), with the nodes a test gives. */
export function factory(
  nodes: Record<string, unknown> = { default: { roles: ['dev', 'review', 'supervisor'] } },
  roles?: Record<string, unknown>,
): FactoryConfig {
  return FactoryConfig.parse({
    version: 1,
    name: 'test',
    roles: roles ?? {
      dev: { haltLevel: 1, heavy: true, command: './dev-poll.sh', schedule: { min: '2m', max: '30m' } },
      review: { haltLevel: 2, command: './review-poll.sh', schedule: { min: '2m', max: '30m', initial: '5m' } },
      supervisor: { protected: true, schedule: { min: '1m', max: '15m' } },
    },
    nodes,
  });
}

export function repo(slug: string, config: Record<string, unknown> = {}): ResolvedRepo {
  return {
    slug,
    file: `repos/${slug}.yaml`,
    config: ResolvedRepoConfig.parse({ forge: 'codeberg', ...config }),
    provenance: new Map(),
    presets: [],
    warnings: [],
  };
}

const T0 = Date.parse('2025-06-01T12:00:00Z');
export const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
export const NOW = T0 + 60 * 60_000;

/** stateOf over real effectiveState, from overrides and supervisor halts. */
export function stateOfFrom(
  node: string,
  sources: { overrides?: Override[]; halts?: SupervisorHalt[] } = {},
): (q: { role: string; repo?: string }) => RoleState {
  return (q) =>
    effectiveState(
      { role: q.role, node, ...(q.repo !== undefined ? { repo: q.repo } : {}) },
      { overrides: sources.overrides ?? [], halts: sources.halts ?? [], protectedRoles: ['supervisor'] },
      NOW,
    );
}

export const haltOverride = (role: string, repo?: string, reason = 'paused by a human'): Override => ({
  role,
  ...(repo ? { repo } : {}),
  action: 'halt',
  reason,
  by: 'alice',
  since: at(0),
});
