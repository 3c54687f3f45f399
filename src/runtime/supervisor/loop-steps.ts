// Runs one step the loop's policy chose, and reports what it found as data for the reducer.
import { loopPolicy, type LoopStep } from '../../domain/supervisor/loop-step.js';
import type { StepFinding, StepOutcome } from '../../domain/supervisor/loop-next.js';
import { supervisorTimeouts } from '../../domain/supervisor/timeouts.js';
import { alarmsDue, describeOutcome, runCycle } from './cycle.js';
import type { SupervisorDeps, SupervisorMemory } from './deps.js';
import { leaseTick, roleOf } from './lease.js';

type Run = Exclude<LoopStep, { kind: 'sleep' }>;

export async function runStep(step: Run, deps: SupervisorDeps, memory: SupervisorMemory): Promise<StepOutcome> {
  const startedAt = deps.now();
  const found = await find(step, deps, memory);
  return { ...found, startedAt, endedAt: deps.now() };
}

async function find(step: Run, deps: SupervisorDeps, memory: SupervisorMemory): Promise<StepFinding> {
  if (step.kind === 'lease') {
    const policy = loopPolicy(memory.lastGood?.factory.supervisor).lease;
    const lead = await leaseTick(
      deps.dir,
      deps.node,
      deps.now,
      policy,
      supervisorTimeouts(memory.lastGood?.factory).leaseReadMs,
    ).catch((e: Error) => e);
    return lead instanceof Error ? { kind: 'lease', error: lead.message } : { kind: 'lease', role: roleOf(lead) };
  }
  if (step.kind === 'poll') {
    const check = await alarmsDue(deps, memory).catch((e: Error) => ({ error: e.message }));
    return 'error' in check
      ? { kind: 'poll', error: check.error }
      : { kind: 'poll', due: check.due, alarms: check.alarms };
  }
  deps.log(`cycle (${step.reason})`);
  const outcome = await runCycle(deps, memory).catch((e: Error) => ({
    kind: 'transient' as const,
    error: `unexpected: ${e.stack ?? e.message}`,
  }));
  deps.log(describeOutcome(outcome));
  if (outcome.kind !== 'ok') return { kind: 'cycle', ok: false, failure: outcome.kind };
  for (const note of outcome.notes) deps.log(`note: ${note}`);
  return {
    kind: 'cycle',
    ok: true,
    intervalMs: outcome.plan.intervalMs,
    alarms: outcome.alarms,
    role: roleOf(outcome.lead),
  };
}
