import { placementEnabled } from '../placement/plan-placement.js';
import { filesOf, type Rule } from './config-set.js';
import { FACTORY } from './file-registry.js';

/**
 * maxConcurrentFactory is dealt over the nodes by where the supervisor places the role's slots
 * (placement/factory-share.ts). With several machines and no placement each node can only hold
 * the whole cap itself, so the factory could run that many times each: say so.
 */
export const factoryCapNeedsPlacement: Rule = (set, report) => {
  for (const file of filesOf(set, FACTORY)) {
    const config = file.value;
    if (placementEnabled(config)) continue;
    for (const [role, rc] of Object.entries(config.roles)) {
      if (rc.maxConcurrentFactory === undefined) continue;
      const runners = Object.entries(config.nodes).filter(([, n]) => n.roles.includes(role));
      if (runners.length < 2) continue;
      report.warning(
        file,
        ['roles', role, 'maxConcurrentFactory'],
        `holds across machines only with placement (supervisor.placement.mode): ${runners.map(([n]) => n).join(', ')} may each run ${rc.maxConcurrentFactory} at once`,
      );
    }
  }
};
