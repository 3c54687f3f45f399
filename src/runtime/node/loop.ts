import type { CycleReport, NodeDaemon } from './daemon.js';

/** `--once`: one sample-decide-apply-commit cycle after a pull, waiting for a stop of agents and the telemetry push. */
export async function runOnce(daemon: NodeDaemon): Promise<CycleReport> {
  await daemon.maybePull(true);
  const report = await daemon.cycle();
  await daemon.settle();
  await daemon.flush();
  return report;
}

/** Samples on a fixed rate; between samples wakes only for agents due in loop mode; a signal ends the sleep at once. */
export async function runLoop(
  daemon: NodeDaemon,
  opts: { node: string; now: () => number; log: (line: string) => void },
): Promise<void> {
  const { now, log } = opts;
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = () => {
    stopped = true;
    wake();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  log(`started on ${opts.node}, sampling every ${daemon.intervalMs} ms`);
  daemon.note('started', `factoryctl node started (pid ${process.pid})`);
  let nextSampleAt = now();
  while (!stopped && !daemon.upgraded) {
    if (now() >= nextSampleAt) {
      const began = now();
      const report = await daemon
        .cycle()
        .catch((error: Error) => (log(`cycle failed: ${error.stack ?? error.message}`), undefined));
      for (const e of report?.events ?? [])
        log(`${e.kind}${e.role ? ` ${e.role}${e.repo ? `@${e.repo}` : ''}` : ''}: ${e.reason}`);
      nextSampleAt = Math.max(began + daemon.intervalMs, now());
      void daemon.maybePull();
    } else daemon.tickAgents();
    const until = Math.min(nextSampleAt, daemon.nextAgentDueAt() ?? Infinity);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, until - now()));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  log('stopping: flushing telemetry');
  await daemon.flush();
}
