// The cycle's alert step: what the leader sees -> candidates -> the engine -> alerts.yaml and its outbox.
import { parseDuration } from '../duration.js';
import type { FactoryConfig } from '../config/factory-schema.js';
import type { AlertsFile } from '../config/alerts-file-schema.js';
import type { NodeDecision, SupervisorHalt } from '../config/state-schema.js';
import { classifyNode, type NodeLiveness } from '../placement/liveness.js';
import { livenessPolicy } from '../placement/plan-placement.js';
import { effectivePolicy } from '../pressure/effective-policy.js';
import type { NodeTelemetryTexts } from '../supervisor/status-telemetry.js';
import { receiversFor } from './route.js';
import { applyDrain, decideAlerts, type AlertsDecision, type DrainResult } from './decide-alerts.js';
import type { Level1 } from './forecast-signals.js';
import { resolveRule } from './rules.js';
import { evaluateSignals, type AlertObserved } from './signals.js';
import type { UntrustedHead } from '../trust/trust-state.js';

export interface AlertsInput {
  config: FactoryConfig;
  previous: AlertsFile;
  nodes: readonly NodeDecision[];
  telemetry: readonly NodeTelemetryTexts[];
  /** placement's liveness (observer's clock); absent: judged by each node's decision age */
  liveness?: readonly NodeLiveness[];
  halts: readonly SupervisorHalt[];
  repos: readonly { slug: string; error?: string }[];
  selfNode: string;
  /** the lease epoch when this supervisor leads (absent: solo) */
  epoch?: number;
  drain?: DrainResult;
  /** main's head as the leader's own clone judged it, when it is not trusted */
  untrustedHead?: UntrustedHead;
  now: number;
}

export function planAlerts(input: AlertsInput): AlertsDecision {
  const { config, now } = input;
  const rules = config.alerts.rules.map(resolveRule);
  const lease = leaseSeen(input);
  const observed: AlertObserved = {
    nodes: input.nodes,
    telemetry: input.telemetry,
    liveness: input.liveness ?? livenessByAge(config, input.nodes, now),
    halts: input.halts,
    level1: (node) => level1Of(config, node),
    ...forgeView(input),
    ...(lease.change ? { leaseChange: lease.change } : {}),
    ...(input.untrustedHead ? { untrustedHead: input.untrustedHead } : {}),
  };
  const previous = { ...input.previous, outbox: applyDrain(input.previous.outbox, input.drain) };
  const decided = decideAlerts(
    evaluateSignals(rules, observed, now),
    previous,
    {
      groupBy: config.alerts.groupBy,
      groupWaitMs: parseDuration(config.alerts.groupWait),
      groupIntervalMs: parseDuration(config.alerts.groupInterval),
      repeatIntervalMs: parseDuration(config.alerts.repeatInterval),
      inhibitors: new Set(
        config.alerts.inhibitNodeDown ? rules.filter((r) => r.signal === 'node-down').map((r) => r.name) : [],
      ),
      receiversFor: (alert) => receiversFor(alert, config.alerts),
    },
    now,
  );
  if (lease.record) decided.file.lease = lease.record;
  return decided;
}

/** Without placement the leader has no watch of its own: a node is as old as its last decision. */
function livenessByAge(config: FactoryConfig, nodes: readonly NodeDecision[], now: number): NodeLiveness[] {
  const heartbeatMs = parseDuration(config.telemetry.heartbeat);
  const clock = { nowMs: now, watchingSinceMs: now };
  return nodes.map((d) =>
    classifyNode(
      { node: d.node, heartbeatMs, canProbe: false, changedAtMs: Date.parse(d.updatedAt) },
      clock,
      livenessPolicy(config),
    ),
  );
}

function level1Of(config: FactoryConfig, node: string): Level1 {
  const l1 = effectivePolicy(config.policy, config.nodes[node]?.policy).levels['1'];
  return {
    ...(l1?.memAvailableMb ? { memAvailableMb: l1.memAvailableMb.halt } : {}),
    ...(l1?.diskUsedPercent ? { diskUsedPercent: l1.diskUsedPercent.halt } : {}),
  };
}

/**
 * Where the forge is unreachable from. The leader reads every repository through the forge: none
 * answering means its node cannot reach it. Every node probes the forges its repositories use and
 * says so in its decision (`forge`), failing since when. A node seen both ways is one alert.
 */
function forgeView(input: AlertsInput): Pick<AlertObserved, 'forgeUnreachable'> {
  const seen = new Map<string, { node: string; reason: string; since?: number }>();
  for (const d of input.nodes) {
    const f = d.forge;
    // Telemetry is read leniently: a foreign or torn field says nothing.
    if (!f || f.ok !== false) continue;
    const since = Date.parse(f.since);
    const reason = typeof f.error === 'string' && f.error ? f.error : 'the forge did not answer its probe';
    seen.set(d.node, { node: d.node, reason, ...(Number.isNaN(since) ? {} : { since }) });
  }
  const failed = input.repos.filter((r) => r.error !== undefined);
  if (input.repos.length > 0 && failed.length === input.repos.length) {
    const own = failed.map((r) => `${r.slug}: ${r.error}`).join('; ');
    const probed = seen.get(input.selfNode);
    seen.set(
      input.selfNode,
      probed ? { ...probed, reason: `${own}; ${probed.reason}` } : { node: input.selfNode, reason: own },
    );
  }
  return seen.size > 0 ? { forgeUnreachable: [...seen.values()] } : {};
}

/**
 * The holder is recorded when it changes, never on a renewal or a re-take by the same holder (a
 * quiet factory's alerts.yaml stays as it is); a change of hands raises lease-changed for a while.
 */
function leaseSeen(input: AlertsInput): {
  record?: NonNullable<AlertsFile['lease']>;
  change?: AlertObserved['leaseChange'];
} {
  if (input.epoch === undefined) return {};
  const before = input.previous.lease;
  if (before?.holder === input.selfNode) {
    if (!before.changedAt || !before.from) return { record: before };
    const at = Date.parse(before.changedAt);
    return { record: before, change: { from: before.from, to: before.holder, epoch: before.epoch, at } };
  }
  const record = { holder: input.selfNode, epoch: input.epoch };
  if (!before) return { record };
  const changedAt = new Date(input.now).toISOString();
  return {
    record: { ...record, changedAt, from: before.holder },
    change: { from: before.holder, to: input.selfNode, epoch: input.epoch, at: input.now },
  };
}
