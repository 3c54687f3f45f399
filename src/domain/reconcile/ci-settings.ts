import type { CiRepoSettings } from '../config/ci-settings-schema.js';
import type { CiRepoSettingsSeen } from '../ports/forge.js';
import type { Change } from './plan.js';

/**
 * The Woodpecker repository settings that drifted: each field the config sets and the server
 * holds otherwise, and the patch carrying only those. Pure; nothing when all match.
 */
export function planCiSettings(
  want: CiRepoSettings,
  seen: CiRepoSettingsSeen,
): { patch: CiRepoSettings; changes: Change[] } {
  const changes: Change[] = [];
  const patch: Record<string, unknown> = {};
  for (const [field, to] of Object.entries(want) as [keyof CiRepoSettings, unknown][]) {
    if (to === undefined) continue;
    const from = seen[field];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    changes.push({ field, from, to });
    patch[field] = to;
  }
  return { patch: patch as CiRepoSettings, changes };
}
