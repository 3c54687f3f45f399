import { slotId } from '../slot-id.js';
import type { FactoryConfig } from '../config/factory-schema.js';
import { DEFAULT_PEAK_MEMORY_MB } from '../config/roles-schema.js';
import type { ResolvedRepoConfig } from '../config/repo-schema.js';
import { isProtectedRole } from '../roles/protected.js';
import type { PlacementSlot } from './types.js';

/**
 * Every agent slot of the factory, as assignmentsFor names them on a node: a role that some
 * repository lists under `agents` is one slot per repository whose agent is enabled and has a
 * command; any other role with a command is one slot. Protected roles (the supervisor, the node
 * daemon) run where factory.yaml puts them and are never placed.
 * Peak: the repository agent's peakMemoryMb, else the role's, else DEFAULT_PEAK_MEMORY_MB; what
 * the nodes' samplers learned raises it (plan-placement.ts), never here.
 */
export function slotsFor(
  config: Pick<FactoryConfig, 'roles'>,
  repos: readonly { slug: string; config: Pick<ResolvedRepoConfig, 'agents'> }[],
): PlacementSlot[] {
  const out: PlacementSlot[] = [];
  const sorted = [...repos].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  for (const role of Object.keys(config.roles).sort()) {
    const rc = config.roles[role]!;
    if (isProtectedRole(role, rc)) continue;
    const perRepo = sorted.filter((r) => r.config.agents[role] !== undefined);
    if (perRepo.length === 0) {
      if (rc.command)
        out.push({
          id: role,
          role,
          nodeSelector: { ...rc.nodeSelector },
          peakMb: rc.peakMemoryMb ?? DEFAULT_PEAK_MEMORY_MB,
        });
      continue;
    }
    for (const repo of perRepo) {
      const agent = repo.config.agents[role]!;
      if (!agent.enabled || !(agent.command ?? rc.command)) continue;
      const id = slotId({ role, repo: repo.slug });
      out.push({
        id,
        role,
        repo: repo.slug,
        nodeSelector: { ...rc.nodeSelector, ...agent.nodeSelector },
        peakMb: agent.peakMemoryMb ?? rc.peakMemoryMb ?? DEFAULT_PEAK_MEMORY_MB,
      });
    }
  }
  return out;
}
