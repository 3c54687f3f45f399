import { parseDuration } from '../duration.js';
import type { FactoryConfig } from '../config/factory-schema.js';
import type { NodeDecision } from '../config/state-schema.js';
import { sumActivity, type Activity } from './activity.js';
import { evaluateAlarms, type FiredAlarm, type ObservedTargets } from './alarms-evaluate.js';
import { renderAlarmsYaml } from './alarms-edit.js';
import {
  decideCiOverload,
  type CiOverloadDecision,
  type CiOverloadState,
  type CiQueueObservation,
} from './ci-overload.js';
import { ciOverloadStateFromHalts, withCiOverloadHalts } from './ci-overload-halts.js';
import { ciHaltRoles } from './ci-overload-roles.js';
import { formatExact } from './format.js';
import { renderAssignmentsYaml } from '../placement/assignments-file.js';
import {
  placementEnabled,
  planPlacement,
  type PlacementObserved,
  type PlacementPlan,
} from '../placement/plan-placement.js';
import type { ResolvedRepoConfig } from '../config/repo-schema.js';
import { decideRedMain, type MainObservation } from './red-main.js';
import { renderHaltsYaml } from './halts-file.js';
import { appendDecisions, decisionsFromStatus } from './journal.js';
import { nextWake, type Wake } from './next-wake.js';
import { renderScheduleYaml, scheduleBounds, SUPERVISOR_ROLE } from './schedule-file.js';
import { tuneSchedule, type ScheduleChange, type ScheduleState } from './schedule-tune.js';
import { STATE_PATHS, SUPERVISOR_SUBJECT_PREFIX, type StateSnapshot } from './state-files.js';
import { statusInput } from './status-input.js';
import { haltSpansFromStatus, journalHaltSpans, memorySamples, type NodeTelemetryTexts } from './status-telemetry.js';
import { DEFAULT_STATUS_OPTIONS, type DecisionRecord } from './status-model.js';
import { renderStatus } from './status-render.js';
import { statusWriteDue } from './status-write.js';
import type { OutboxEntry } from '../config/alerts-state-schema.js';
import type { DrainResult } from '../alerts/decide-alerts.js';
import { alertsStep, alertWake } from './cycle-alerts.js';
import type { UntrustedHead } from '../trust/trust-state.js';

/** One repository as the forge and CI showed it this cycle; `error` means the data is missing, not zero. */
export interface RepoObservation {
  slug: string;
  activity?: Activity;
  error?: string;
  /** API calls spent on it */
  calls: number;
}
export interface Observed {
  repos: RepoObservation[];
  /** Absent when no CI server is configured (or reachable by config): the CI halts are then left as they are. */
  ciQueue?: CiQueueObservation;
  targets: ObservedTargets;
  nodes: NodeDecision[];
  /** The nodes' telemetry files, for the status page's charts. */
  telemetry?: NodeTelemetryTexts[];
  /** Woodpecker agents already changed this cycle (runtime/supervisor/ci-agents.ts), for the journal. */
  ciAgentChanges?: string[];
  /** Liveness, when placement is on (runtime/supervisor/placement.ts). */
  placement?: PlacementObserved;
  /** Each red-main repository's primary branch (red-main.ts); absent: not read, its halts left as they are. */
  mains?: MainObservation[];
  /** What the drain after the last commit delivered (runtime/alerts/): recorded in this commit's outbox. */
  alertDrain?: DrainResult;
  /** main's head as this supervisor's own clone judged it, when it is not trusted (trust.mode warn or enforce) */
  untrustedHead?: UntrustedHead;
}
export interface CycleInput {
  config: FactoryConfig;
  state: StateSnapshot;
  observed: Observed;
  now: number;
  selfNode: string;
  /** The loop's own memory of the CI state (keeps how long the queue has been draining). */
  prevCi?: CiOverloadState;
  /** The forge's clock less ours (its Date headers): time alarms fire by the forge's clock, not by ours. */
  clockOffsetMs?: number;
  /** The repositories of repos/, for placement's per-repository slots. */
  repos?: readonly { slug: string; config: Pick<ResolvedRepoConfig, 'agents'> }[];
  /** The leader's lease epoch, written into assignments.yaml. */
  epoch?: number;
}
export interface CyclePlan {
  /** path -> new text, only for files that change */
  changes: Record<string, string>;
  message: string;
  decisions: DecisionRecord[];
  fired: FiredAlarm[];
  schedule: ScheduleState;
  ci?: CiOverloadDecision;
  /** Where each agent slot runs, when placement is on; `kick` the nodes whose slots changed once it lands. */
  placement?: PlacementPlan;
  /** the supervisor's own tuned interval: the loop's next full cycle, computed here once */
  intervalMs: number;
  /** when an alert may be sent (a group's flush, a `for` held, a retry): the loop looks then if sooner */
  alertAt?: number;
  wake: Wake;
  notes: string[];
  /** alerts.yaml's outbox as this plan leaves it: drained once the commit lands */
  outbox?: OutboxEntry[];
}

/** Observed + the files on main -> what to write and why. Pure: re-run on a fresh read after a rejected push. */
export function planCycle(input: CycleInput): CyclePlan {
  const { config, state, observed, now } = input;
  const notes = state.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.field || '(document)'}: ${p.message}`);
  const decisions: DecisionRecord[] = [];
  const changes: Record<string, string> = {};

  for (const text of observed.ciAgentChanges ?? []) decisions.push({ at: now, text });
  const schedule = tune(state.schedule, observed.repos, config, now);
  for (const c of schedule.changes) decisions.push({ at: now, text: describeChange(c) });
  if (schedule.changes.length > 0) changes[STATE_PATHS.schedule] = renderScheduleYaml(schedule.state);

  let halts = state.halts;
  let ci: CiOverloadDecision | undefined;
  if (halts === undefined) notes.push(`${STATE_PATHS.halts} is unreadable: CI overload halts left as they are`);
  else if ('ciQueue' in observed) {
    const roles = ciHaltRoles(config.supervisor.ciOverload, config.roles);
    const fromFile = ciOverloadStateFromHalts(halts, roles);
    const prev =
      fromFile && input.prevCi?.level === fromFile.level ? { ...fromFile, ...pickBelow(input.prevCi) } : fromFile;
    ci = decideCiOverload(prev, observed.ciQueue, config.supervisor.ciOverload, now, { roles });
    if (ci.dataMissing) notes.push(ci.reason);
    if (ci.changed) {
      halts = withCiOverloadHalts(halts, ci.state, roles);
      changes[STATE_PATHS.halts] = renderHaltsYaml(halts);
      decisions.push({ at: now, text: ci.reason });
    }
  }

  if (halts !== undefined && observed.mains) {
    const red = decideRedMain(observed.mains, halts, now);
    notes.push(...red.notes);
    if (red.decisions.length > 0) [halts, changes[STATE_PATHS.halts]] = [red.halts, renderHaltsYaml(red.halts)];
    for (const text of red.decisions) decisions.push({ at: now, text });
  }

  let alarms = state.alarms ?? [];
  let fired: FiredAlarm[] = [];
  if (state.alarms === undefined) notes.push(`${STATE_PATHS.alarms} is unreadable: alarms are not evaluated`);
  else {
    const evaluated = evaluateAlarms(state.alarms, observed.targets, now + (input.clockOffsetMs ?? 0));
    fired = evaluated.fired;
    alarms = evaluated.remaining;
    if (fired.length > 0) changes[STATE_PATHS.alarms] = renderAlarmsYaml(alarms);
    for (const f of fired)
      decisions.push({
        at: now,
        text: `alarm ${f.alarm.id} fired: ${f.reason}${f.alarm.command ? `; runs \`${f.alarm.command}\`` : ''}`,
      });
  }

  const placement = placementStep(input, halts ?? [], notes);
  if (placement?.changed) {
    changes[STATE_PATHS.assignments] = renderAssignmentsYaml(placement.assignments, placement.candidates);
    for (const text of placement.decisions) decisions.push({ at: now, text });
  }

  const alerts = alertsStep(input, halts ?? [], notes);
  if (alerts?.text !== undefined) changes[STATE_PATHS.alerts] = alerts.text;
  for (const text of alerts?.decided.decisions ?? []) decisions.push({ at: now, text });

  // The placement as this cycle leaves it: the new one when it changed, else the file on main.
  const assignmentsNow = placement?.assignments ?? state.assignments;
  const oldStatus = state.texts[STATE_PATHS.status];
  const journal = appendDecisions(decisionsFromStatus(oldStatus), decisions, DEFAULT_STATUS_OPTIONS.maxDecisions);
  const status = renderStatus(
    statusInput({
      config,
      overrides: state.overrides,
      halts: halts ?? [],
      nodes: observed.nodes,
      selfNode: input.selfNode,
      schedule: schedule.state,
      alarms,
      decisions: journal,
      now,
      memory: (observed.telemetry ?? []).flatMap(memorySamples),
      pastHalts: [...haltSpansFromStatus(oldStatus), ...(observed.telemetry ?? []).flatMap(journalHaltSpans)],
      ...(assignmentsNow ? { assignments: assignmentsNow } : {}),
      ...(observed.telemetry ? { telemetry: observed.telemetry } : {}),
      ...(alerts ? { alerts: alerts.decided.file.alerts } : {}),
    }),
  );
  const due = statusWriteDue(oldStatus, status, now);
  if (due.write) changes[STATE_PATHS.status] = status;

  const intervalMs = schedule.state.roles[SUPERVISOR_ROLE]?.intervalMs ?? parseDuration(config.supervisor.interval.min);
  const wake = alertWake(
    nextWake(intervalMs, alarms, parseDuration(config.supervisor.alarmPoll), now, input.clockOffsetMs),
    alerts?.decided.dueAt,
  );
  const plan: CyclePlan = {
    changes,
    message: commitMessage(decisions, due.write ? due.why : undefined),
    decisions,
    fired,
    schedule: schedule.state,
    intervalMs,
    ...(alerts?.decided.dueAt !== undefined ? { alertAt: alerts.decided.dueAt } : {}),
    wake,
    notes,
    outbox: alerts?.decided.file.outbox ?? state.alerts?.outbox ?? [],
  };
  if (ci) plan.ci = ci;
  if (placement) plan.placement = placement;
  return plan;
}

/** Placement, when it is on and its inputs are whole: an unreadable assignments.yaml is left for a human. */
function placementStep(input: CycleInput, halts: CycleInput['state']['halts'] & {}, notes: string[]) {
  const { config, state, observed } = input;
  if (!placementEnabled(config) || !observed.placement) return undefined;
  if (state.assignments === undefined) {
    notes.push(`${STATE_PATHS.assignments} is unreadable: placement left as it is`);
    return undefined;
  }
  return planPlacement({
    config,
    repos: input.repos ?? [],
    previous: state.assignments,
    overrides: state.overrides,
    halts,
    decisions: observed.nodes,
    samples: new Map((observed.telemetry ?? []).map((t) => [t.node, t.sample])),
    observed: observed.placement,
    now: input.now,
    ...(input.epoch !== undefined ? { epoch: input.epoch } : {}),
  });
}

/** Fast attack always; a back-off only on complete data, since a silent forge is not a quiet one. */
function tune(
  prev: ScheduleState,
  repos: readonly RepoObservation[],
  config: FactoryConfig,
  now: number,
): { state: ScheduleState; changes: ScheduleChange[] } {
  const activity = sumActivity(repos.flatMap((r) => (r.activity ? [r.activity] : [])));
  const tuned = tuneSchedule(prev, activity, scheduleBounds(config), now);
  if (!repos.some((r) => r.error !== undefined)) return tuned;
  const roles = { ...tuned.state.roles };
  const changes = tuned.changes.filter((c) => {
    const backOff = c.fromMs !== undefined && c.toMs > c.fromMs;
    if (backOff) roles[c.role] = prev.roles[c.role]!;
    return !backOff;
  });
  return { state: { roles }, changes };
}

function pickBelow(s: CiOverloadState | undefined): Partial<CiOverloadState> {
  return s?.belowResumeSince === undefined ? {} : { belowResumeSince: s.belowResumeSince };
}

function describeChange(c: ScheduleChange): string {
  return `${c.role} every ${formatExact(c.toMs)}${c.fromMs !== undefined ? ` (was ${formatExact(c.fromMs)})` : ''}: ${c.reason}`;
}

/** The subject names the decisions; the body lists each in full. */
function commitMessage(decisions: readonly DecisionRecord[], statusWhy: string | undefined): string {
  if (decisions.length === 0) return `${SUPERVISOR_SUBJECT_PREFIX}STATUS.md, ${statusWhy ?? 'status changed'}`;
  const subject = `${SUPERVISOR_SUBJECT_PREFIX}${decisions.map((d) => d.text).join('; ')}`;
  const short = subject.length > 100 ? `${subject.slice(0, 97)}...` : subject;
  return `${short}\n\n${decisions.map((d) => `- ${d.text}`).join('\n')}\n`;
}
