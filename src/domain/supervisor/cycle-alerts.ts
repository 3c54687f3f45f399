// The cycle's alert step: the engine over what this cycle saw, and alerts.yaml's new text when it changed.
import { planAlerts } from '../alerts/plan-alerts.js';
import { EMPTY_ALERTS, renderAlertsYaml } from '../alerts/alerts-file.js';
import type { AlertsDecision } from '../alerts/decide-alerts.js';
import type { SupervisorHalt } from '../config/state-schema.js';
import type { CycleInput } from './cycle.js';
import type { Wake } from './next-wake.js';
import { STATE_PATHS } from './state-files.js';

/** Undefined when alerts.yaml does not parse: it is left for a human, never overwritten blindly. */
export function alertsStep(
  input: CycleInput,
  halts: readonly SupervisorHalt[],
  notes: string[],
): { decided: AlertsDecision; text?: string } | undefined {
  const { state, observed } = input;
  const old = state.texts[STATE_PATHS.alerts];
  if (state.alerts === undefined && old !== undefined && old.trim() !== '') {
    notes.push(`${STATE_PATHS.alerts} is unreadable: alerts are not evaluated`);
    return undefined;
  }
  const decided = planAlerts({
    config: input.config,
    previous: state.alerts ?? EMPTY_ALERTS,
    nodes: observed.nodes,
    telemetry: observed.telemetry ?? [],
    ...(observed.placement ? { liveness: observed.placement.liveness } : {}),
    halts,
    repos: observed.repos,
    selfNode: input.selfNode,
    ...(input.epoch !== undefined ? { epoch: input.epoch } : {}),
    ...(observed.alertDrain ? { drain: observed.alertDrain } : {}),
    ...(observed.untrustedHead ? { untrustedHead: observed.untrustedHead } : {}),
    now: input.now,
  });
  const text = renderAlertsYaml(decided.file);
  const empty = decided.file.alerts.length + decided.file.outbox.length + decided.file.silences.length === 0;
  // A quiet factory that never had an alert keeps no alerts.yaml.
  if (text === old || (old === undefined && empty && !decided.file.lease)) return { decided };
  return { decided, text };
}

export const ALERT_WAKE_REASON = 'an alert may be sent (group_wait, group_interval, a rule held, a retry)';

/** Wake when an alert may be sent (AlertsDecision.dueAt) if that comes before the planned wake. */
export function alertWake(wake: Wake, dueAt: number | undefined): Wake {
  return dueAt !== undefined && dueAt < wake.at ? { at: dueAt, reason: ALERT_WAKE_REASON } : wake;
}
