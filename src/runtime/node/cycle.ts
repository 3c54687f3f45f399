import { logDir } from '../../domain/local-plan.js';
import type { JournalEvent, RoleSummary } from '../../domain/node-cycle.js';
import {
  planNodeCycle,
  type ControlSources,
  type CycleMemory,
  type NodeCyclePlan,
} from '../../domain/node/plan-cycle.js';
import { activeRecordFile } from '../../domain/node-paths.js';
import type { ForgeProbeRound } from '../../domain/node/forge-probe.js';
import { cycleTelemetry } from '../../domain/node/telemetry-commit.js';
import type { TelemetryQueue } from '../../adapters/telemetry/queue.js';
import type { AgentStopper } from './agent-stop.js';
import type { RunawayStopper } from './runaway-stop.js';
import type { Reclaimer } from './reclaim.js';
import type { ForgeProber } from './forge-probe.js';
import { applyMechanisms } from './apply.js';
import type { ConfigHolder } from './config-holder.js';
import type { NodeLoopDeps } from './deps.js';
import type { Journal } from './journal.js';
import type { Machine } from './machine.js';

export interface CycleReport {
  level: number;
  halted: string[];
  reason: string;
  roles: RoleSummary;
  events: JournalEvent[];
  commit: false | 'change' | 'heartbeat';
  problems: string[];
}

export interface CycleParts {
  deps: NodeLoopDeps;
  config: ConfigHolder;
  journal: Journal;
  machine: Machine;
  stopper: AgentStopper;
  runaways: RunawayStopper;
  reclaimer: Reclaimer;
  telemetry: TelemetryQueue;
  /** The background forge probes: the cycle reads the last finished round, never waits for one. */
  prober?: ForgeProber;
}

/** One cycle: read (control files, config, a sample), decide (one pure call), record, apply, report. */
export async function runCycle(
  parts: CycleParts,
  memory: CycleMemory,
): Promise<{ report: CycleReport; memory: CycleMemory }> {
  const { deps, config, journal, machine } = parts;
  const control = await readControl(parts, memory.control);
  const { settings } = config;
  const { sample, samplerProblem } = await machine.sample(settings.sampler).then(
    (taken) => ({ sample: taken, samplerProblem: undefined }),
    (error: Error) => ({ sample: undefined, samplerProblem: `sampler failed: ${error.message}` }),
  );
  const now = deps.now();
  const cron = { controlDir: deps.dir, node: deps.node, ...deps.cron };
  const plan = planNodeCycle({
    node: deps.node,
    settings,
    config: config.config,
    sample,
    control,
    memory,
    stopping: parts.stopper.stopping,
    runs: parts.runaways.runs(),
    reclaim: parts.reclaimer.observe(),
    cron,
    ...(deps.machine.readActiveRecord
      ? { activeRecord: deps.machine.readActiveRecord(activeRecordFile(settings.paths)) }
      : {}),
    ...(deps.machine.readExitRecords ? { exits: deps.machine.readExitRecords(settings.paths.runDir) } : {}),
    ...forgeProbe(parts.prober),
    now,
  });

  // Records first (the gate reads decision.json), then the machine: a kill in between is completed by the next cycle.
  const recordsProblem = writeRecords(parts, plan.records);
  journal.report('records', recordsProblem);
  // A full disk must not stop the crontab and the loop from halting: apply whatever the records did.
  const applied = applyMechanisms(plan, deps.machine, machine, journal, deps.now());
  for (const [topic, problem] of Object.entries(applied)) journal.report(topic, problem);
  if (plan.stop) parts.stopper.start(plan.stop, plan.cycle.stateOf);
  parts.runaways.start(plan.runaway.stops);
  parts.reclaimer.start(plan.reclaim.runs, sample);
  journal.report('sampler', samplerProblem);
  journal.report('log-rotation', deps.machine.rotateLogs?.(logDir(settings.paths), settings.logs).problem);
  const problems = [samplerProblem, recordsProblem, ...Object.values(applied)].filter(
    (p): p is string => p !== undefined,
  );

  const told = cycleTelemetry({ node: deps.node, plan, memory, journal: journal.take(), sample, control, now });
  if (told.telemetry) parts.telemetry.enqueue(told.telemetry.update, told.telemetry.message);
  const { decision } = plan.cycle;
  const report = {
    level: decision.level,
    halted: decision.halted,
    reason: plan.cycle.pressure.reason,
    roles: plan.cycle.roles,
    events: told.events,
    commit: told.commit,
    problems,
  };
  return { report, memory: told.memory };
}

function forgeProbe(prober: ForgeProber | undefined): { forgeProbe?: ForgeProbeRound; forgeProbing: boolean } {
  const round = prober?.latest();
  return { ...(round ? { forgeProbe: round } : {}), forgeProbing: prober?.active() ?? false };
}

/** The run files; what went wrong (undefined: written). */
function writeRecords({ deps, config }: CycleParts, records: NodeCyclePlan['records']): string | undefined {
  try {
    deps.records.write(config.settings.paths, records);
    return undefined;
  } catch (error) {
    return `records: cannot write ${config.settings.paths.runDir}: ${(error as Error).message}`;
  }
}

/** The control files; when unreadable, the last ones read. Either trouble is reported once. */
async function readControl({ deps, journal }: CycleParts, last: ControlSources): Promise<ControlSources> {
  try {
    const loaded = await deps.repo.readControl();
    journal.report(
      'control',
      loaded.invalid ? `control files invalid, using their last good state: ${loaded.invalid.message}` : undefined,
    );
    return { overrides: loaded.view.overrides, halts: loaded.view.halts, assignments: loaded.view.assignments };
  } catch (error) {
    journal.report('control', `control files unreadable, using the last ones read: ${(error as Error).message}`);
    return last;
  }
}
