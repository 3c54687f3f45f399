import type { ExitRecord } from '../../domain/node/exit-streak.js';
import type { LeaseSeen } from '../../domain/alerts/supervisor-watch.js';
import type { ActiveEvent, ActiveRecord } from '../../domain/node/active-record.js';
import type { LocalPlan } from '../../domain/local-plan.js';
import type { StopTarget } from '../../domain/node/agent-stop.js';
import type { SamplerSpec } from '../../domain/node/node-settings.js';
import type { ControlSources } from '../../domain/node/plan-cycle.js';
import type { LoadedNodeConfig, NodeConfigView } from '../../adapters/control-repo/node-config.js';
import type { PullOutcome } from '../../adapters/git/pull.js';
import type { LogBounds } from '../../domain/node/log-rotation.js';
import type { LogRotation } from '../../adapters/node/log-rotate.js';
import type { LoopRunner, LoopRunnerOptions } from '../../adapters/node/loop-runner.js';
import type { RunRecordsStore } from '../../adapters/node/run-records.js';
import type { Sampler } from '../../adapters/node/sampler.js';
import type { CommandOutcome } from '../../adapters/process/alarm-command.js';
import type { StoppedAgent } from '../../adapters/node/stop-agents.js';
import type { TelemetryBranch, TelemetryBranchOptions } from '../../adapters/telemetry/branch.js';
import type { TelemetryQueue } from '../../adapters/telemetry/queue.js';
import type { UpgradeResult } from '../../adapters/upgrade/self-upgrade.js';
import type { VersionProbe } from '../../adapters/forge/version-probe.js';

/** The control files as read this cycle; `invalid`: some are, and their last good version is used. */
export interface ControlRead {
  view: ControlSources;
  invalid?: { message: string };
}

/** The control repo: its remote, pulls, the config and the control files. */
export interface ControlRepoDeps {
  hasRemote(): Promise<boolean>;
  /** Clears what a killed git left behind (stale locks). */
  recover(): Promise<void>;
  pull(timeoutMs: number): Promise<PullOutcome>;
  readControl(): Promise<ControlRead>;
  /** Changes when the files the config is made of may have changed. */
  configKey(): Promise<string>;
  loadConfig(lastGood: NodeConfigView | undefined): Promise<LoadedNodeConfig>;
  /** control/lease as the last pull fetched it, for watching the supervisor; absent: not watched. */
  lease?(): Promise<LeaseSeen>;
  /** every node's telemetry tip as the last pull fetched it: which peers are alive to page for the supervisor */
  peerTips?(): Promise<Record<string, string>>;
  /** Builds and switches to new factoryctl source after a pull; absent: not running from the control repo. */
  upgrade?(): Promise<UpgradeResult>;
}

/** The machine and the ways halts reach its agents. */
export interface MachineDeps {
  createSampler(spec: SamplerSpec): Sampler;
  /** Returns the outside writers' changes to the drop-in files, for the journal. */
  applyHaltFiles(plan: LocalPlan): readonly ActiveEvent[] | void;
  /** What factoryctl last wrote to the drop-in files (absent or unreadable: no record). */
  readActiveRecord?(path: string): ActiveRecord;
  /** The gate's per-slot exit records in this run dir (absent: none are reported). */
  readExitRecords?(runDir: string): ExitRecord[];
  /** `dirs`: the directories the lines append their output to, made first (a crontab-only node has no halt-files step to make them). */
  applyCrontab(lines: string[], dirs: readonly string[]): { warnings: string[] };
  createLoopRunner(options: LoopRunnerOptions): LoopRunner;
  stopAgents(targets: StopTarget[], graceMs: number, spared: ReadonlySet<number>): Promise<StoppedAgent[]>;
  /** This process and its ancestors: never stopped as agents. */
  selfAndAncestors(): Set<number>;
  /** A reclaim action: `sh -c` in the control repo, its process group killed past the bound. */
  runCommand(command: string, timeoutMs: number): Promise<CommandOutcome>;
  /** Rotates the agents' run logs past their bounds; absent (a test's machine): no rotation. */
  rotateLogs?(logDir: string, bounds: LogBounds): LogRotation;
}

export interface TelemetryDeps {
  createBranch(options: TelemetryBranchOptions): TelemetryBranch;
  createQueue(branch: () => TelemetryBranch, log: (line: string) => void): TelemetryQueue;
}

/** Everything the node loop touches, passed in: a test drives whole cycles with a fake sampler and in-memory mechanisms. */
export interface NodeLoopDeps {
  dir: string;
  node: string;
  env: NodeJS.ProcessEnv;
  /** --interval: replaces policy.sampleInterval. */
  intervalMs?: number;
  /** How cron finds factoryctl again: absolute node binary and bin/factoryctl.js. */
  cron: { nodeBin: string; cli: string };
  now: () => number;
  log: (line: string) => void;
  repo: ControlRepoDeps;
  machine: MachineDeps;
  telemetry: TelemetryDeps;
  records: RunRecordsStore;
  /** GET /api/v1/version on a forge, bounded (the node's own look at the forges); absent: forges are not probed. */
  forge?: { probe: VersionProbe };
  /** Requests `node rpc` refused since the last call (its journal), for the telemetry journal; absent in tests. */
  rpcRefusals?(): string[];
}
