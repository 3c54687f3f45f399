// After a commit that removed fired alarms: each one's command, time-bounded, its end logged.
import { parseDuration } from '../../domain/duration.js';
import type { SupervisorConfig } from '../../domain/config/supervisor-schema.js';
import type { FiredAlarm } from '../../domain/supervisor/alarms-evaluate.js';
import { runAlarmCommand } from '../../adapters/process/alarm-command.js';
import type { SupervisorDeps } from './deps.js';

export async function runFiredCommands(
  deps: SupervisorDeps,
  supervisor: SupervisorConfig,
  fired: readonly FiredAlarm[],
): Promise<void> {
  for (const f of fired) {
    if (!f.alarm.command) continue;
    const r = await runAlarmCommand(f.alarm.command, {
      cwd: deps.dir,
      timeoutMs: parseDuration(supervisor.alarmCommandTimeout),
      env: { FACTORY_ALARM_ID: f.alarm.id, FACTORY_ALARM_REASON: f.reason },
    });
    const output = r.output.trim() ? `: ${r.output.trim().split('\n').slice(-3).join(' / ')}` : '';
    deps.log(
      `alarm ${f.alarm.id}: \`${f.alarm.command}\` ${r.timedOut ? `killed after ${supervisor.alarmCommandTimeout}` : `exited ${r.code}`} in ${r.ms} ms${output}`,
    );
  }
}
