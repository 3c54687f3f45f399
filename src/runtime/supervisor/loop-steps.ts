// Runs one step the loop's policy chose, and reports what it found as data for the reducer.
import { loopPolicy, type LoopStep } from '../../domain/supervisor/loop-step.js';
import type { StepFinding, StepOutcome } from '../../domain/supervisor/loop-next.js';
import { roleUnseen } from '../../domain/supervisor/lease-term.js';
import { supervisorTimeouts } from '../../domain/supervisor/timeouts.js';
import { readLeaseWatch } from '../../adapters/control-repo/lease-watch.js';
import { pingHeartbeat } from '../../adapters/notify/heartbeat.js';
import { alarmsDue, describeOutcome, runCycle } from './cycle.js';
import { monoOf, type SupervisorDeps, type SupervisorMemory } from './deps.js';
import { leaseTick, roleOf } from './lease.js';

type Run = Exclude<LoopStep, { kind: 'sleep' }>;

export async function runStep(step: Run, deps: SupervisorDeps, memory: SupervisorMemory): Promise<StepOutcome> {
  const startedAt = deps.now();
  const found = await find(step, deps, memory);
  return { ...found, startedAt, endedAt: deps.now() };
}

async function find(step: Run, deps: SupervisorDeps, memory: SupervisorMemory): Promise<StepFinding> {
  // A term taken is handed to the cycle it wakes, which comes next; no later step may use it.
  if (step.kind !== 'cycle') delete memory.taken;
  if (step.kind === 'lease') {
    memory.leaseChecks++;
    const policy = loopPolicy(memory.lastGood?.factory.supervisor).lease;
    const mono = monoOf(deps);
    const lead = await leaseTick(
      deps.dir,
      deps.node,
      deps.now,
      policy,
      supervisorTimeouts(memory.lastGood?.factory).leaseReadMs,
      mono,
    ).catch((e: Error) => e);
    if (lead instanceof Error) {
      // Unreadable: what this supervisor last saw, aged on its own clock (a leader's term runs out).
      const role = roleUnseen(readLeaseWatch(deps.dir), deps.node, mono(), deps.now(), policy);
      return { kind: 'lease', error: lead.message, ...(role ? { role } : {}) };
    }
    if (lead.kind === 'leader' && lead.acquired) memory.taken = lead;
    return { kind: 'lease', role: roleOf(lead) };
  }
  if (step.kind === 'poll') {
    const check = await alarmsDue(deps, memory).catch((e: Error) => ({ error: e.message }));
    return 'error' in check
      ? { kind: 'poll', error: check.error }
      : { kind: 'poll', due: check.due, alarms: check.alarms };
  }
  deps.log(`cycle (${step.reason})`);
  const outcome = await runCycle(deps, memory, true).catch((e: Error) => ({
    kind: 'transient' as const,
    error: `unexpected: ${e.stack ?? e.message}`,
  }));
  deps.log(describeOutcome(outcome));
  if (outcome.kind === 'watching') return { kind: 'lease', role: outcome.lead };
  if (outcome.kind !== 'ok') return { kind: 'cycle', ok: false, failure: outcome.kind };
  for (const note of outcome.notes) deps.log(`note: ${note}`);
  const ping = await pingHeartbeat(memory.lastGood?.factory.alerts.watch.heartbeatUrlEnv, deps.env);
  if (ping) deps.log(ping);
  return {
    kind: 'cycle',
    ok: true,
    intervalMs: outcome.plan.intervalMs,
    ...(outcome.plan.alertAt !== undefined ? { alertAt: outcome.plan.alertAt } : {}),
    alarms: outcome.alarms,
    role: roleOf(outcome.lead),
    ...(outcome.stats.clockOffsetMs !== undefined ? { clockOffsetMs: outcome.stats.clockOffsetMs } : {}),
  };
}
