import { Policy } from '../../../src/domain/config/policy-schema.js';
import type { LocalPlan } from '../../../src/domain/local-plan.js';
import type { StopTarget } from '../../../src/domain/node/agent-stop.js';
import type { RunRecords } from '../../../src/domain/node/plan-cycle.js';
import type { TelemetryUpdate } from '../../../src/domain/telemetry-files.js';
import { createFakeSampler, type FakeSampler } from '../../../src/adapters/node/fake-sampler.js';
import type { PullOutcome } from '../../../src/adapters/git/pull.js';
import type { LoopRunner } from '../../../src/adapters/node/loop-runner.js';
import type { TelemetryBranch } from '../../../src/adapters/telemetry/branch.js';
import { createNodeDaemon, type NodeDaemon } from '../../../src/runtime/node/daemon.js';
import type { NodeLoopDeps } from '../../../src/runtime/node/deps.js';
import { factory } from '../../support/apply-fixture.js';
import { AlertsConfig } from '../../../src/domain/config/alerts-schema.js';
import type { LeaseSeen } from '../../../src/domain/alerts/supervisor-watch.js';
import type { VersionProbe } from '../../../src/adapters/forge/version-probe.js';

export const T0 = Date.parse('2025-06-01T12:00:00Z');
/** This test process stands for the node daemon; 1 for its ancestor init. */
export const SELF = [process.pid, 1];

/** Everything a node cycle touched, in memory. */
export interface NodeHarness {
  daemon: NodeDaemon;
  sampler: FakeSampler;
  clock: { now: number };
  logs: string[];
  haltPlans: LocalPlan[];
  crontabs: string[][];
  stops: { targets: StopTarget[]; graceMs: number; spared: number[] }[];
  runnerCalls: string[];
  commits: { update: TelemetryUpdate; message: string }[];
  records: RunRecords[];
  /** Make the halt-file mechanism or the run files throw (a full disk), or work again with undefined. */
  fail(what: 'haltFiles' | 'records', error: Error | undefined): void;
}

export interface HarnessOptions {
  control?: ('halt-files' | 'crontab' | 'loop')[];
  policy?: Record<string, unknown>;
  /** A remote to pull from, and what each pull answers. */
  pull?: () => Promise<PullOutcome>;
  /** control/lease as each pull leaves it, for the supervisor watcher (absent: not watched) */
  lease?: () => Promise<LeaseSeen>;
  /** every node's telemetry tip as each pull leaves it (absent: no peers known) */
  peerTips?: () => Promise<Record<string, string>>;
  /** factory.yaml `alerts`, as written */
  alerts?: Record<string, unknown>;
  /** FACTORY_STATE_DIR (default /state/f: nothing is written there unless the watcher runs) */
  stateDir?: string;
  /** factory.yaml `forges`, the repositories using them, the tokens set on this node and the probe (absent: forges not probed) */
  forge?: {
    forges: Record<string, { url: string; tokenEnv: string }>;
    repos: { slug: string; forge: string }[];
    env: Record<string, string>;
    probe: VersionProbe;
  };
}

/** A node daemon whose sampler, clock and every mechanism are in memory, started and restored from nothing. */
export async function nodeHarness(opts: HarnessOptions = {}): Promise<NodeHarness> {
  const clock = { now: T0 };
  const now = () => clock.now;
  const sampler = createFakeSampler(now);
  const failures: Record<'haltFiles' | 'records', Error | undefined> = { haltFiles: undefined, records: undefined };
  const h: Omit<NodeHarness, 'daemon'> = {
    sampler,
    clock,
    logs: [],
    haltPlans: [],
    crontabs: [],
    stops: [],
    runnerCalls: [],
    commits: [],
    records: [],
    fail: (what, error) => void (failures[what] = error),
  };
  const runner: LoopRunner = {
    update: (assignments, stateOf) =>
      void h.runnerCalls.push(`update ${assignments.map((a) => `${a.id}:${stateOf(a).state}`).join(' ')}`),
    tick: () => (h.runnerCalls.push('tick'), { started: [] }),
    nextDueAt: () => undefined,
    running: () => [],
    stopHalted: async (graceMs) => (h.runnerCalls.push(`stopHalted ${graceMs}`), []),
    stopAll: async () => [],
    stopRuns: async (keys, graceMs) => (
      h.runnerCalls.push(`stopRuns ${keys.join(' ')} ${graceMs}`),
      keys.map((key) => ({ key, by: 'SIGTERM' as const }))
    ),
  };
  const branch: TelemetryBranch = {
    ref: 'refs/heads/telemetry/n1',
    prepare: async () => undefined,
    readCommitted: async () => undefined,
    lastCommittedAt: async () => undefined,
    commit: async () => ({ sha: '0'.repeat(40), compacted: false }),
    push: async () => ({ ok: true, pending: false }),
  };
  const config = {
    factory: {
      ...factory({ default: { roles: ['dev', 'review', 'supervisor'], control: opts.control ?? ['halt-files'] } }),
      policy: Policy.parse({
        sampleInterval: '5s',
        hold: '0s',
        resumeHold: '10s',
        stabilisation: '10s',
        mounts: ['/'],
        ...opts.policy,
      }),
      ...(opts.alerts ? { alerts: AlertsConfig.parse(opts.alerts) } : {}),
      ...(opts.forge
        ? {
            forges: Object.fromEntries(
              Object.entries(opts.forge.forges).map(([name, f]) => [name, { type: 'forgejo' as const, ...f }]),
            ),
          }
        : {}),
    },
    repos: (opts.forge?.repos ?? []).map((r) => ({ slug: r.slug, config: { forge: r.forge, agents: {} } }) as never),
    schedule: {},
  };
  const deps: NodeLoopDeps = {
    dir: '/srv/control',
    node: 'n1',
    env: { FACTORY_RUN_DIR: '/run/f', FACTORY_STATE_DIR: opts.stateDir ?? '/state/f', ...opts.forge?.env },
    cron: { nodeBin: '/usr/bin/node', cli: '/opt/factoryctl.cjs' },
    now,
    log: (line) => void h.logs.push(line),
    repo: {
      hasRemote: async () => opts.pull !== undefined,
      recover: async () => undefined,
      pull: opts.pull ?? (async () => ({ ok: true })),
      readControl: async () => ({ view: { overrides: [], halts: [] } }),
      configKey: async () => 'key',
      loadConfig: async () => ({ ok: true, config, key: 'key', problems: [], stale: false, cached: true }),
      ...(opts.lease ? { lease: opts.lease } : {}),
      ...(opts.peerTips ? { peerTips: opts.peerTips } : {}),
    },
    machine: {
      createSampler: () => sampler,
      applyHaltFiles: (plan) => {
        if (failures.haltFiles) throw failures.haltFiles;
        h.haltPlans.push(plan);
      },
      applyCrontab: (lines) => (h.crontabs.push(lines), { warnings: [] }),
      createLoopRunner: () => runner,
      stopAgents: async (targets, graceMs, spared) => {
        h.stops.push({ targets, graceMs, spared: [...spared].sort((a, b) => a - b) });
        return targets.map((t) => ({ role: t.role, pid: t.pid, by: 'SIGTERM' as const, pids: t.tree }));
      },
      selfAndAncestors: () => new Set(SELF),
      runCommand: async () => ({ code: 0, timedOut: false, output: '', ms: 1 }),
    },
    telemetry: {
      createBranch: () => branch,
      createQueue: () => ({
        enqueue: (update, message) => void h.commits.push({ update, message }),
        retryPush: () => undefined,
        pending: false,
        flush: async () => undefined,
      }),
    },
    records: {
      write: (_paths, records) => {
        if (failures.records) throw failures.records;
        h.records.push(records);
      },
      read: () => ({
        pressure: h.records.at(-1)?.pressure,
        decision: h.records.at(-1)?.decision,
        roles: h.records.at(-1)?.roles,
        runaways: h.records.at(-1)?.runaways,
        reclaim: h.records.at(-1)?.reclaim,
      }),
    },
    ...(opts.forge ? { forge: { probe: opts.forge.probe } } : {}),
  };
  const daemon = createNodeDaemon(deps);
  await daemon.start();
  await daemon.restore();
  return { ...h, daemon };
}
