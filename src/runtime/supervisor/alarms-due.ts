// Between full cycles: only the pending alarms' targets are looked at (a few calls, not one per
// repository); the loop runs a full cycle at once when one of them is due.
import type { Alarm } from '../../domain/config/alarm-schema.js';
import { alarmTargets, evaluateAlarms } from '../../domain/supervisor/alarms-evaluate.js';
import { readStateSnapshot, STATE_PATH_LIST } from '../../domain/supervisor/state-files.js';
import { supervisorTimeouts } from '../../domain/supervisor/timeouts.js';
import { observeTargets } from '../../adapters/forge/observe.js';
import { createServerClients } from '../../adapters/forge/server-clients.js';
import { pullFastForward } from '../../adapters/git/pull.js';
import { readFilesAt } from '../../adapters/git/read-files.js';
import { controlRemote } from '../../adapters/git/remote.js';
import type { SupervisorDeps, SupervisorMemory } from './deps.js';

export async function alarmsDue(
  deps: SupervisorDeps,
  memory: SupervisorMemory,
): Promise<{ due: string[]; alarms: Alarm[] } | { error: string }> {
  if (await controlRemote(deps.dir)) {
    const pulled = await pullFastForward(deps.dir, supervisorTimeouts(memory.lastGood?.factory).pullMs);
    if (!pulled.ok) return { error: `pull failed: ${pulled.error}` };
  }
  const alarms = readStateSnapshot(await readFilesAt(deps.dir, 'HEAD', STATE_PATH_LIST)).alarms ?? [];
  if (alarms.length === 0 || !memory.lastGood) return { due: [], alarms };
  const clients = createServerClients(
    memory.lastGood.factory,
    deps.env,
    { clock: deps.now, ...deps.http },
    memory.httpCache,
  );
  const targets = await observeTargets(clients, memory.lastGood.repos, alarmTargets(alarms));
  memory.clockOffsetMs = clients.clockOffset() ?? memory.clockOffsetMs;
  // Time alarms are due by the forge's clock (its Date headers), not by ours.
  const now = deps.now() + (memory.clockOffsetMs ?? 0);
  return { due: evaluateAlarms(alarms, targets, now).fired.map((f) => f.alarm.id), alarms };
}
