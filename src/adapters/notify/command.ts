// A local command: the notification as JSON on stdin, its gist in a few variables; exit 0 is delivered.
import type { CommandReceiver } from '../../domain/config/receivers-schema.js';
import { notificationTitle } from '../../domain/alerts/notify-format.js';
import { runProcess } from '../process/run-process.js';
import type { Deliver } from './deliver.js';

export const deliverToCommand: Deliver<CommandReceiver> = async (n, r, deps) => {
  const result = await runProcess(r.command, r.args, {
    timeoutMs: deps.timeoutMs,
    input: JSON.stringify(n),
    env: {
      ...deps.env,
      FACTORY_ALERT_STATUS: n.status,
      FACTORY_ALERT_RECEIVER: n.receiver,
      FACTORY_ALERT_GROUP: n.groupKey,
      FACTORY_ALERT_ID: n.id,
      FACTORY_ALERT_TITLE: notificationTitle(n),
      FACTORY_ALERT_COUNT: String(n.alerts.length),
    },
  });
  if (result.code === 0) return { ok: true };
  const why = result.timedOut ? 'timed out' : `exit ${result.code}`;
  const tail = (result.stderr || result.stdout).trim().split('\n').slice(-1)[0] ?? '';
  return { ok: false, error: `command ${r.command}: ${why}${tail ? `: ${tail.slice(0, 200)}` : ''}` };
};
