import type { CycleReport, NodeDaemon } from './daemon.js';
import { listenForKicks, serveKicks } from './rpc-kicks.js';

/** `--once`: one sample-decide-apply-commit cycle after a pull, waiting for a stop of agents and the telemetry push. */
export async function runOnce(daemon: NodeDaemon): Promise<CycleReport> {
  // A cron-mode node probes its forges beside its pull (both bounded), so its decision says whether it reaches them.
  await Promise.all([daemon.maybePull(true), daemon.probeForges()]);
  const report = await daemon.cycle();
  await daemon.settle();
  await daemon.flush();
  return report;
}

/**
 * Samples on a fixed rate; between samples wakes only for agents due in loop mode; a signal ends
 * the sleep at once: a stop, or a kick from `node rpc sync` (pull, then a cycle, now).
 */
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
  const kicks = listenForKicks(daemon, () => wake());
  const logEvents = (report: CycleReport | undefined) => {
    for (const e of report?.events ?? [])
      log(`${e.kind}${e.role ? ` ${e.role}${e.repo ? `@${e.repo}` : ''}` : ''}: ${e.reason}`);
  };
  log(`started on ${opts.node}, sampling every ${daemon.intervalMs} ms`);
  daemon.note('started', `factoryctl node started (pid ${process.pid})`);
  let nextSampleAt = now();
  // Before the first cycle: the state a restart restored is kept until this round answers.
  void daemon.probeForges();
  while (!stopped && !daemon.upgraded) {
    if (kicks.take()) {
      const began = now();
      const report = await serveKicks(daemon).catch(
        (error: Error) => (log(`sync failed: ${error.stack ?? error.message}`), undefined),
      );
      logEvents(report);
      if (report) nextSampleAt = Math.max(began + daemon.intervalMs, now());
    } else if (now() >= nextSampleAt) {
      const began = now();
      const report = await daemon
        .cycle()
        .catch((error: Error) => (log(`cycle failed: ${error.stack ?? error.message}`), undefined));
      logEvents(report);
      nextSampleAt = Math.max(began + daemon.intervalMs, now());
      void daemon.maybePull();
      // In the background, bounded: the next cycle records what the probes found.
      void daemon.probeForges();
      kicks.recheck();
    } else daemon.tickAgents();
    const until = Math.min(nextSampleAt, daemon.nextAgentDueAt() ?? Infinity);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, until - now()));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
      // A kick or a stop that came while the cycle ran (its wake() then reached an old sleep) is not lost.
      if (stopped || kicks.waiting()) wake();
    });
  }
  kicks.close();
  daemon.stopProbes();
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  // An operator stopping the node expects it gone promptly, and no agent left running unwatched.
  const agents = await daemon.stopAgents();
  if (agents.length > 0) {
    log(`stopping: stopped ${agents.join(', ')}`);
    await daemon.settle();
  }
  log('stopping: flushing telemetry');
  await daemon.flush();
}
