// The supervisor as a daemon: a dynamic sleep until its next wake (tuned interval, alarm poll, lease,
// time alarm), cut short by a webhook or SIGUSR1; transient failures back off, nothing stops the loop.
// What to do next and what it changes are decided in domain/supervisor/loop-{step,next}.ts.
import { decideLoopStep, heedsWakes, initialLoopState, loopPolicy } from '../../domain/supervisor/loop-step.js';
import { nextLoopState } from '../../domain/supervisor/loop-next.js';
import { newMemory, type SupervisorDeps } from './deps.js';
import { recordWake } from './loop-record.js';
import { runStep } from './loop-steps.js';
import { openWakes, type WakeOptions } from './wakes.js';

export type LoopOptions = WakeOptions;

export async function superviseLoop(deps: SupervisorDeps, opts: LoopOptions): Promise<void> {
  const memory = newMemory();
  const wakes = await openWakes(deps, opts);
  let state = initialLoopState(deps.now());
  try {
    while (!wakes.stopped()) {
      // A standby drops webhooks and signals: it watches the lease only.
      if (wakes.peek() !== undefined && !heedsWakes(state)) wakes.take();
      const step = decideLoopStep(state, deps.now(), wakes.peek());
      if (step.kind === 'sleep') {
        await wakes.sleepUntil(step.until, deps.now);
        continue;
      }
      if (step.kind === 'cycle') wakes.take();
      const outcome = await runStep(step, deps, memory);
      if ('role' in outcome && outcome.role) memory.role = outcome.role;
      const next = nextLoopState(state, outcome, loopPolicy(memory.lastGood?.factory.supervisor));
      state = next.state;
      for (const line of next.log) deps.log(line);
      if (next.record) recordWake(deps, memory, next.record);
    }
  } finally {
    await wakes.close();
  }
}
