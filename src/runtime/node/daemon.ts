import { parseDuration } from '../../domain/duration.js';
import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import type { NodePaths } from '../../domain/node-paths.js';
import { initialPressureState } from '../../domain/pressure/index.js';
import { settleTelemetry } from '../../domain/node/telemetry-commit.js';
import { telemetryFlushTimeoutMs } from '../../domain/node/time-limits.js';
import type { CycleMemory } from '../../domain/node/plan-cycle.js';
import type { PullOutcome } from '../../adapters/git/pull.js';
import type { TelemetryQueue } from '../../adapters/telemetry/queue.js';
import { createAgentStopper } from './agent-stop.js';
import { createRunawayStopper } from './runaway-stop.js';
import { createReclaimer } from './reclaim.js';
import { createConfigHolder } from './config-holder.js';
import { createForgeProber } from './forge-probe.js';
import { runCycle, type CycleReport } from './cycle.js';
import type { NodeLoopDeps } from './deps.js';
import { createJournal } from './journal.js';
import { createMachine } from './machine.js';
import { createPuller, type Puller } from './pull.js';
import { restoreMemory } from './restore.js';
import { createSupervisorWatcher } from './supervisor-watch.js';

export type { CycleReport } from './cycle.js';

export interface NodeDaemon {
  readonly paths: NodePaths;
  readonly intervalMs: number;
  readonly telemetry: TelemetryQueue;
  /** Set once a new build was switched to: the loop ends and the process restarts on it. */
  readonly upgraded: boolean;
  /** Loads the config: exit 78 when there is no good one at all. */
  start(): Promise<void>;
  /** Reads what the previous run left; call holding the node lock. */
  restore(): Promise<void>;
  cycle(): Promise<CycleReport>;
  maybePull(force?: boolean): Promise<void>;
  /** A pull started now, not one in flight (`sync` over SSH waits for what was committed before it asked). */
  pullNow(): Promise<PullOutcome | undefined>;
  /** Waits for a stop of running agents in progress and queues what it journaled. */
  settle(): Promise<void>;
  /** Waits for queued telemetry, bounded by the pull time limit. */
  flush(): Promise<void>;
  note(kind: string, reason: string): void;
  /**
   * Starts a round of forge probes when one is due (at most every 30 s, each bounded to 5 s), in the
   * background: the loop does not await it; the next cycle records what it found. Resolves when the
   * round in flight has finished (a test's synchronisation); never rejects.
   */
  probeForges(): Promise<void>;
  /** Aborts a forge probe in flight (at shutdown). */
  stopProbes(): void;
  /** When the loop must wake next for the loop runner (undefined: nothing waiting). */
  nextAgentDueAt(): number | undefined;
  tickAgents(): void;
  /**
   * At shutdown: the loop's running agents get SIGTERM to their process groups, SIGKILL after
   * policy.stopGrace, so a stopped daemon leaves no agent running unwatched; journaled.
   */
  stopAgents(): Promise<string[]>;
}

/**
 * The node daemon, wired from its parts. Every record it needs across a restart is in the run
 * directory and on the telemetry branch, so `--once` from cron and a restarted daemon decide as
 * a running one.
 */
export function createNodeDaemon(deps: NodeLoopDeps): NodeDaemon {
  const journal = createJournal(deps.now, deps.log);
  const config = createConfigHolder(deps, journal);
  const telemetry = deps.telemetry.createQueue(() => config.branch, deps.log);
  const machine = createMachine(deps, config);
  const stopper = createAgentStopper(deps, config, machine, journal);
  const runaways = createRunawayStopper(deps, config, machine, journal);
  const reclaimer = createReclaimer(deps, () => machine.sample(config.settings.sampler));
  const prober = createForgeProber(deps, config);
  const parts = { deps, config, journal, machine, stopper, runaways, reclaimer, telemetry, prober };
  let puller: Puller | undefined;
  let memory: CycleMemory = {
    prev: initialPressureState(),
    prevDecision: undefined,
    prevRoles: undefined,
    lastCommittedAt: undefined,
    rollup: undefined,
    control: { overrides: [], halts: [] },
  };
  return {
    get paths() {
      return config.settings.paths;
    },
    get intervalMs() {
      return config.settings.intervalMs;
    },
    telemetry,
    get upgraded() {
      return puller?.upgraded ?? false;
    },
    async start() {
      const watch = createSupervisorWatcher(deps, config, journal);
      puller = createPuller(deps, await deps.repo.hasRemote(), config, journal, () => telemetry.retryPush(), watch);
      await deps.repo.recover();
      const problems = await config.reload(true);
      if (problems)
        throw new FactoryError(`config invalid and no last good config known:\n${problems.join('\n')}`, EXIT.CONFIG);
    },
    async restore() {
      memory = await restoreMemory(deps.records, config.settings.paths, config.branch);
    },
    async cycle() {
      // Refused rpcs ride on this cycle's telemetry commit: the operator sees them from the primary.
      let unreadable: string | undefined;
      try {
        for (const note of deps.rpcRefusals?.() ?? []) journal.note('rpc-refused', note);
      } catch (error) {
        unreadable = `rpc journal unreadable: ${(error as Error).message}`;
      }
      journal.report('rpc-journal', unreadable);
      const done = await runCycle(parts, memory);
      memory = done.memory;
      return done.report;
    },
    maybePull: (force) => (puller ? puller.maybePull(force) : Promise.resolve()),
    pullNow: () => (puller ? puller.pullNow() : Promise.resolve(undefined)),
    async settle() {
      const [, , reclaimed] = await Promise.all([stopper.settle(), runaways.settle(), reclaimer.settle()]);
      // `--once`: what the reclaim actions freed is only known from a sample after them.
      if (reclaimed) memory = (await runCycle(parts, memory)).memory;
      const commit = settleTelemetry(deps.node, [...journal.pending()], memory);
      if (!commit) return;
      journal.take();
      telemetry.enqueue(commit.update, commit.message);
    },
    flush: () => telemetry.flush(telemetryFlushTimeoutMs(config.settings.pullTimeoutMs)),
    note: (kind, reason) => journal.note(kind, reason),
    probeForges: () => prober.kick(),
    stopProbes: () => prober.close(),
    nextAgentDueAt: () => machine.existingRunner()?.nextDueAt(),
    tickAgents: () => void machine.existingRunner()?.tick(deps.now()),
    async stopAgents() {
      const runner = machine.existingRunner();
      if (!runner || runner.running().length === 0) return [];
      const grace = config.settings.policy.stopGrace;
      const stopped = await runner.stopAll(parseDuration(grace));
      journal.note('agents-stopped', `node stopping: stopped ${stopped.join(', ')} (SIGTERM, SIGKILL after ${grace})`);
      return stopped;
    },
  };
}
