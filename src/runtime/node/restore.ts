import type { RoleSummary } from '../../domain/node-cycle.js';
import type { CycleMemory } from '../../domain/node/plan-cycle.js';
import { readRunawayMemory } from '../../domain/node/runaway.js';
import { readReclaimMemory } from '../../domain/pressure/reclaim.js';
import { readPressureState } from '../../domain/pressure/index.js';
import { TELEMETRY_FILES } from '../../domain/telemetry-files.js';
import type { NodePaths } from '../../domain/node-paths.js';
import type { RunRecordsStore } from '../../adapters/node/run-records.js';
import type { TelemetryBranch } from '../../adapters/telemetry/branch.js';

/** What the previous run left, as the first cycle's memory; call holding the node lock (it clears the telemetry refs' stale locks). */
export async function restoreMemory(
  records: RunRecordsStore,
  paths: NodePaths,
  branch: TelemetryBranch,
): Promise<CycleMemory> {
  const left = records.read(paths);
  await branch.prepare();
  // Changes are judged against what telemetry last reported: a kill between the records and the commit is reported now.
  const committed = parseJson(await branch.readCommitted(TELEMETRY_FILES.roles));
  return {
    prev: readPressureState(left.pressure).state,
    prevDecision: left.decision,
    prevRoles: (committed ?? left.roles) as RoleSummary | undefined,
    lastCommittedAt: await branch.lastCommittedAt(),
    rollup: undefined,
    control: { overrides: [], halts: [] },
    runaways: readRunawayMemory(left.runaways),
    reclaim: readReclaimMemory(left.reclaim),
  };
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
