import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FactoryError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { assignmentsFor, type Assignment } from '../../domain/assignments.js';
import { parseDuration } from '../../domain/duration.js';
import { nodeEntry } from '../../domain/control-view.js';
import type { NodeDecision, Override, SupervisorHalt } from '../../domain/config/state-schema.js';
import type { NodeConfig } from '../../domain/config/node-schema.js';
import type { Policy } from '../../domain/config/policy-schema.js';
import { localPlan, logFile } from '../../domain/local-plan.js';
import { decisionFile, nodePaths, type NodePaths } from '../../domain/node-paths.js';
import { nodeCycle, type JournalEvent, type RoleSummary } from '../../domain/node-cycle.js';
import { effectivePolicy, isProtectedRole, readPressureState, type PressureState, type Sample } from '../../domain/pressure/index.js';
import { addToRollup, TELEMETRY_FILES, type Rollup } from '../../domain/telemetry-files.js';
import type { ResolvedRepo } from '../../domain/repos/merge.js';
import { writeFileAtomic } from '../../adapters/fs/atomic-file.js';
import { applyCrontabBlock } from '../../adapters/node/crontab.js';
import { applyHaltFiles } from '../../adapters/node/halt-files.js';
import { createLoopRunner, type LoopRunner } from '../../adapters/node/loop-runner.js';
import { repoEnvVars } from '../../adapters/node/repo-env.js';
import { selfAndAncestors, stopAgentProcesses, type StopTarget } from '../../adapters/node/stop-agents.js';
import { loadControlView, type ViewPartParser } from '../../adapters/control-repo/view.js';
import { inConfigWorker } from '../../adapters/control-repo/config-worker.js';
import { pullFastForward } from '../../adapters/git/pull.js';
import { recoverRepo } from '../../adapters/git/recover.js';
import { controlRemote } from '../../adapters/git/remote.js';
import { readNodeDecision } from '../../adapters/node/decision-file.js';
import { createProcSampler, type Sampler } from '../../adapters/node/sampler.js';
import { createTelemetryBranch, type TelemetryBranch } from '../../adapters/telemetry/branch.js';
import { createTelemetryQueue, type TelemetryQueue } from '../../adapters/telemetry/queue.js';
import { loadNodeConfig, configKey, type NodeConfigView } from '../../adapters/control-repo/node-config.js';

export interface NodeDaemonDeps {
  dir: string;
  node: string;
  env: NodeJS.ProcessEnv;
  now: () => number;
  log: (line: string) => void;
  /** --interval: replaces policy.sampleInterval. */
  intervalMs?: number;
  /** How cron finds factoryctl again: absolute node binary and bin/factoryctl.js. */
  cron: { nodeBin: string; cli: string };
  /** Build and switch to new factoryctl source after a pull (only when running from the control repo). */
  selfUpgrade?: boolean;
}

export interface CycleReport {
  level: number;
  halted: string[];
  reason: string;
  roles: RoleSummary;
  events: JournalEvent[];
  commit: false | 'change' | 'heartbeat';
  problems: string[];
}

/** How often the control repo is pulled (and the config re-read): the gate's staleness counts on it. */
export const PULL_EVERY_MS = 30_000;
export const runFiles = (paths: NodePaths) => ({
  pressure: join(paths.runDir, 'pressure-state.json'),
  decision: decisionFile(paths),
  roles: join(paths.runDir, 'roles.json'),
  lock: join(paths.runDir, 'node.pid'),
});

/**
 * The node daemon's state between cycles and its one cycle: sample, decide (pure), record the
 * decision, apply it to the machine, queue telemetry. Every record it needs across a restart
 * is in the run directory, so `--once` from cron and a restarted daemon decide as a running one.
 */
export class NodeDaemon {
  private config!: NodeConfigView;
  private configKey = '';
  private control: { overrides: Override[]; halts: SupervisorHalt[] } = { overrides: [], halts: [] };
  private prev!: PressureState;
  private prevDecision: NodeDecision | undefined;
  private prevRoles: RoleSummary | undefined;
  private lastCommittedAt: number | undefined;
  private rollup: Rollup | undefined;
  private sampler: { key: string; sampler: Sampler } | undefined;
  private runner: LoopRunner | undefined;
  private stopping: Promise<unknown> | undefined;
  private pulling: Promise<void> | undefined;
  private lastPullAt = 0;
  private hasRemote = false;
  private pendingEvents: JournalEvent[] = [];
  private reported = new Set<string>();
  readonly telemetry: TelemetryQueue;
  private branch!: TelemetryBranch;

  constructor(private readonly deps: NodeDaemonDeps) {
    this.telemetry = createTelemetryQueue(() => this.branch, (line) => deps.log(line));
  }

  get paths(): NodePaths {
    return nodePaths(this.deps.dir, this.entry(), this.deps.env);
  }

  get policy(): Policy {
    const policy = effectivePolicy(this.config.factory.policy, this.entry()?.policy);
    return this.deps.intervalMs ? { ...policy, sampleInterval: `${this.deps.intervalMs}ms` } : policy;
  }

  get intervalMs(): number {
    return parseDuration(this.policy.sampleInterval);
  }

  get pullTimeoutMs(): number {
    return parseDuration(this.config.factory.gate.pullTimeout);
  }

  /** Loads the config: exit 78 when there is no good one at all. */
  async start(): Promise<void> {
    const { dir } = this.deps;
    this.hasRemote = (await controlRemote(dir)) !== undefined;
    await recoverRepo(dir);
    const problems = await this.reloadConfig(true);
    if (problems) throw new FactoryError(`config invalid and no last good config known:\n${problems.join('\n')}`, EXIT.CONFIG);
  }

  /** Reads what the previous run left; call holding the node lock (it clears the telemetry refs' stale locks). */
  async restore(): Promise<void> {
    const files = runFiles(this.paths);
    this.prev = readPressureState(readJson(files.pressure)).state;
    this.prevDecision = readNodeDecision(files.decision);
    await this.branch.prepare();
    // Changes are judged against what telemetry last reported: a kill between the records and the commit is reported now.
    const committed = await this.branch.readCommitted(TELEMETRY_FILES.roles);
    this.prevRoles = (parseJson(committed) ?? readJson(files.roles)) as RoleSummary | undefined;
    this.lastCommittedAt = await this.branch.lastCommittedAt();
  }

  lockPath(): string {
    return runFiles(this.paths).lock;
  }

  note(kind: string, reason: string): void {
    this.pendingEvents.push({ at: new Date(this.deps.now()).toISOString(), kind, reason });
  }

  /** Pulls and re-reads the config when the pull period has passed; not awaited by the loop. */
  maybePull(force = false): Promise<void> {
    if (this.pulling) return this.pulling;
    if (!force && this.deps.now() - this.lastPullAt < PULL_EVERY_MS) return Promise.resolve();
    this.lastPullAt = this.deps.now();
    this.pulling = (async () => {
      if (this.hasRemote) {
        const outcome = await pullFastForward(this.deps.dir, this.pullTimeoutMs, this.deps.now);
        this.once('pull', outcome.ok ? undefined : `pull failed, applying the last pulled config: ${outcome.error}`);
      }
      await this.reloadConfig(false);
      this.telemetry.retryPush();
      await this.upgrade();
    })()
      .catch((error: Error) => this.deps.log(`pull: ${error.message}`))
      .finally(() => {
        this.pulling = undefined;
      });
    return this.pulling;
  }

  /** Upgrades ride on Git: a pull that brings new factoryctl source is built, checked, switched to. */
  private async upgrade(): Promise<void> {
    if (!this.deps.selfUpgrade) return;
    const { upgradeIfNeeded } = await import('../../adapters/upgrade/self-upgrade.js');
    const result = await upgradeIfNeeded(this.deps.dir, { log: (line) => this.deps.log(`upgrade: ${line}`) });
    if (result.status === 'failed' && !result.cached) this.note('upgrade-failed', `kept build ${result.from ?? '(none)'}: ${result.reason}`);
    if (result.status === 'upgraded') {
      this.note('upgraded', `switched from build ${result.from ?? '(none)'} to ${result.to}`);
      this.upgraded = true;
    }
  }

  /** Set once a new build was switched to: the loop ends and the process restarts on it. */
  upgraded = false;

  async cycle(): Promise<CycleReport> {
    const { node, now: clock } = this.deps;
    const problems: string[] = [];
    try {
      const loaded = await loadControlView(this.deps.dir, parseInWorker);
      this.control = { overrides: loaded.view.overrides, halts: loaded.view.halts };
      this.once('control', loaded.invalid ? `control files invalid, using their last good state: ${loaded.invalid.message}` : undefined);
    } catch (error) {
      this.once('control', `control files unreadable, using the last ones read: ${(error as Error).message}`);
    }
    const policy = this.policy;
    const entry = this.entry();
    const sample = await this.sample(policy).catch((error: Error) => {
      problems.push(`sampler failed: ${error.message}`);
      return undefined;
    });
    const now = clock();
    const assignments = assignmentsFor(node, this.config.factory, this.config.repos as ResolvedRepo[], this.config.schedule);
    const result = nodeCycle({
      node,
      prev: this.prev,
      sample,
      policy,
      roles: this.config.factory.roles,
      nodeRoles: entry?.roles ?? [],
      assignments,
      control: this.control,
      prevDecision: this.prevDecision,
      prevRoles: this.prevRoles,
      lastCommittedAt: this.lastCommittedAt,
      heartbeatMs: parseDuration(this.config.factory.telemetry.heartbeat),
      now,
    });

    // Records first (the gate reads decision.json), then the machine: a kill in between is completed by the next cycle.
    const paths = this.paths;
    const files = runFiles(paths);
    try {
      mkdirSync(paths.runDir, { recursive: true });
      writeFileAtomic(files.pressure, `${JSON.stringify(result.pressure.state)}\n`);
      writeFileAtomic(files.decision, `${JSON.stringify(result.decision)}\n`);
      writeFileAtomic(files.roles, `${JSON.stringify(result.roles)}\n`);
      this.once('records', undefined);
    } catch (error) {
      // A full disk must not stop the crontab and the loop from halting: go on to apply.
      const problem = `records: cannot write ${paths.runDir}: ${(error as Error).message}`;
      this.once('records', problem);
      problems.push(problem);
    }
    for (const [topic, problem] of Object.entries(this.apply(entry, assignments, result.stateOf, result.pressure.level, policy, paths))) {
      this.once(topic, problem);
      if (problem) problems.push(problem);
    }
    this.once('sampler', problems.find((p) => p.startsWith('sampler')));
    const events = [...this.pendingEvents, ...result.events];
    this.pendingEvents = [];
    if (sample) this.rollup = addToRollup(this.rollup, sample, result.pressure.level);
    const commit = result.commit || (events.length > 0 ? 'change' : false);
    if (commit) {
      this.telemetry.enqueue({ sample, decision: result.decision, roles: result.roles, events, rollup: this.rollup }, `telemetry ${node}: ${commit === 'change' ? `level ${result.decision.level}: ${result.pressure.reason}` : 'heartbeat'}`);
      this.rollup = undefined;
      this.lastCommittedAt = now;
    }
    this.prev = result.pressure.state;
    this.prevDecision = result.decision;
    this.prevRoles = result.roles;
    return { level: result.decision.level, halted: result.decision.halted, reason: result.pressure.reason, roles: result.roles, events, commit, problems };
  }

  /** When the loop must wake next for the loop runner (undefined: nothing waiting). */
  nextAgentDueAt(): number | undefined {
    return this.runner?.nextDueAt();
  }

  tickAgents(): void {
    this.runner?.tick(this.deps.now());
  }

  /** Per mechanism, what went wrong this time (undefined: applied). */
  private apply(entry: NodeConfig | undefined, assignments: Assignment[], stateOf: Parameters<typeof localPlan>[0]['stateOf'], level: number, policy: Policy, paths: NodePaths): Record<string, string | undefined> {
    const control = entry?.control ?? ['halt-files'];
    const problems: Record<string, string | undefined> = {};
    const plan = localPlan({ assignments, roles: entry?.roles ?? [], stateOf, paths, cron: { controlDir: this.deps.dir, node: this.deps.node, ...this.deps.cron } });
    const attempt = (what: string, step: () => void) => {
      try {
        step();
        problems[what] = undefined;
      } catch (error) {
        problems[what] = `${what}: ${(error as Error).message}`;
      }
    };
    if (control.includes('halt-files')) attempt('halt files', () => void applyHaltFiles(plan));
    if (control.includes('crontab')) {
      attempt('crontab', () => {
        const applied = applyCrontabBlock(plan.crontab);
        for (const w of applied.warnings) this.once(`crontab-warning ${w}`, `crontab: ${w}`);
      });
      for (const p of plan.problems) this.once(`plan ${p}`, `crontab: ${p}`);
    }
    if (control.includes('loop')) {
      const runner = this.loopRunner(paths);
      runner.update(assignments, (a) => stateOf(a.repo === undefined ? { role: a.role } : { role: a.role, repo: a.repo }));
      runner.tick(this.deps.now());
      if (level === 3 && policy.stopRunningAtLevel3 && !this.stopping) {
        this.stopping = runner.stopHalted(parseDuration(policy.stopGrace)).finally(() => (this.stopping = undefined));
      }
    } else if (level === 3 && policy.stopRunningAtLevel3 && !this.stopping) {
      // Cron and halt files only keep new runs from starting: the agents already running are found by the sampler.
      this.stopping = this.stopSampledAgents(entry?.roles ?? [], stateOf, parseDuration(policy.stopGrace)).finally(() => (this.stopping = undefined));
    }
    return problems;
  }

  /** SIGTERM, then SIGKILL after the grace, to the running agents of this node's halted roles; journaled. */
  private async stopSampledAgents(roles: string[], stateOf: Parameters<typeof localPlan>[0]['stateOf'], graceMs: number): Promise<void> {
    const found = this.sampler?.sampler.agentProcesses?.() ?? {};
    const config = this.config.factory.roles;
    const isProtected = (role: string) => !config[role] || isProtectedRole(role, config[role]);
    const spared = selfAndAncestors();
    for (const [role, agents] of Object.entries(found)) if (isProtected(role)) for (const a of agents) for (const pid of a.tree) spared.add(pid);
    const targets: StopTarget[] = roles
      .filter((role) => !isProtected(role) && stateOf({ role }).state === 'halt')
      .flatMap((role) => (found[role] ?? []).map((a) => ({ role, ...a })));
    if (targets.length === 0) return;
    const stopped = await stopAgentProcesses(targets, graceMs, { spared });
    for (const s of stopped) {
      const how = s.by === 'SIGKILL' ? `SIGTERM, then SIGKILL after ${graceMs} ms` : 'SIGTERM';
      const reason = `level 3: stopped the running ${s.role} agent (pid ${s.pid}, processes ${s.pids.join(' ')}) by ${how}`;
      this.deps.log(reason);
      this.pendingEvents.push({ at: new Date(this.deps.now()).toISOString(), kind: 'agent-stopped', role: s.role, reason });
    }
  }

  /** Waits for a stop of running agents in progress (`--once` must not exit halfway through a grace) and queues what it journaled. */
  async settle(): Promise<void> {
    await this.stopping;
    if (this.pendingEvents.length === 0 || !this.prevDecision) return;
    const events = this.pendingEvents;
    this.pendingEvents = [];
    this.telemetry.enqueue({ sample: undefined, decision: this.prevDecision, roles: this.prevRoles ?? {}, events, rollup: undefined }, `telemetry ${this.deps.node}: ${events.map((e) => e.kind).join(', ')}`);
  }

  private loopRunner(paths: NodePaths): LoopRunner {
    this.runner ??= createLoopRunner({
      now: this.deps.now,
      cwd: this.deps.dir,
      baseEnv: { ...this.deps.env, FACTORY_DIR: this.deps.dir, FACTORY_NODE: this.deps.node, FACTORY_RUN_DIR: paths.runDir, FACTORY_STATE_DIR: paths.stateDir },
      envFor: (a) => {
        const repo = this.config.repos.find((r) => r.slug === a.repo);
        return repo ? repoEnvVars(repo, this.deps.env) : {};
      },
      logFile: (a) => logFile(paths, a.id),
      firstRunSpreadMs: 60_000,
      log: (e) => this.deps.log(`loop: ${e.type} ${e.id}${'reason' in e ? `: ${e.reason}` : ''}${'message' in e ? `: ${e.message}` : ''}`),
    });
    return this.runner;
  }

  private async sample(policy: Policy): Promise<Sample> {
    const roleCommands = Object.fromEntries(Object.entries(this.config.factory.roles).map(([r, c]) => [r, c.command]));
    const key = JSON.stringify([policy.mounts, roleCommands]);
    if (this.sampler?.key !== key) this.sampler = { key, sampler: createProcSampler({ mounts: policy.mounts, roleCommands, now: this.deps.now }) };
    return this.sampler.sampler.sample();
  }

  private entry(): NodeConfig | undefined {
    return nodeEntry(this.config.factory.nodes, this.deps.node);
  }

  /** Re-reads the config when its files changed; a bad one keeps the last good, reported once per content. */
  private async reloadConfig(first: boolean): Promise<string[] | undefined> {
    const key = await configKey(this.deps.dir);
    if (!first && key === this.configKey) return undefined;
    const loaded = await loadNodeConfig(this.deps.dir, first ? undefined : this.config);
    this.configKey = key;
    if (!loaded.ok) return loaded.problems;
    this.config = loaded.config;
    const stale = loaded.stale ? `config invalid, keeping the last good one:\n${loaded.problems.join('\n')}` : undefined;
    this.once('config', stale ?? (loaded.problems.length > 0 ? `config: ${loaded.problems.join('; ')}` : undefined));
    const t = this.config.factory.telemetry;
    this.branch = createTelemetryBranch({ dir: this.deps.dir, node: this.deps.node, keepSamples: t.keepSamples, maxBranchKiB: t.maxBranchKiB, maxCommits: t.maxCommits, pushTimeoutMs: Math.max(3 * this.pullTimeoutMs, 10_000), now: this.deps.now, log: (line) => this.deps.log(`telemetry: ${line}`) });
    return undefined;
  }

  /** Logs and journals a condition when it starts or changes, not on every cycle it lasts. */
  private once(topic: string, message: string | undefined): void {
    const key = `${topic}\0${message ?? ''}`;
    const known = [...this.reported].find((k) => k.startsWith(`${topic}\0`));
    if (known === key) return;
    if (known) this.reported.delete(known);
    if (message === undefined) {
      if (known) {
        this.deps.log(`${topic}: fine again`);
        this.note(`${topic.split(' ')[0]}-ok`, `${topic}: fine again`);
      }
      return;
    }
    this.reported.add(key);
    this.deps.log(message);
    this.note(topic.split(' ')[0]!, message);
  }
}

/** A changed control file is parsed in a short-lived worker: the daemon keeps no YAML nor zod resident. */
const parseInWorker: ViewPartParser = (part, text) => inConfigWorker({ kind: 'view-part', part, text });

function readJson(path: string): unknown {
  try {
    return parseJson(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
