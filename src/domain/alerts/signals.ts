// What each rule sees this cycle, from the leader's view: node liveness and decisions, telemetry,
// halts, the forge, the lease, the trust of main. Pure: (observed, rules, now) -> candidates.
import type { NodeDecision, SupervisorHalt } from '../config/state-schema.js';
import type { NodeLiveness } from '../placement/liveness.js';
import { CI_OVERLOAD_BY } from '../supervisor/ci-overload-halts.js';
import type { NodeTelemetryTexts } from '../supervisor/status-telemetry.js';
import type { Candidate } from './candidate.js';
import { formatMinute } from '../supervisor/format.js';
import { failingSlots } from './agent-failing.js';
import { forecastSignals, type Level1 } from './forecast-signals.js';
import type { ResolvedRule } from './rules.js';
import { untrustedHeadAlert } from './untrusted-head.js';
import type { UntrustedHead } from '../trust/trust-state.js';

export interface AlertObserved {
  nodes: readonly NodeDecision[];
  telemetry: readonly NodeTelemetryTexts[];
  /** each node's class, on the observer's clock (placement on) or by the age of its decision (off) */
  liveness: readonly NodeLiveness[];
  halts: readonly SupervisorHalt[];
  /**
   * Each node the forge is unreachable from: the leader's own when it could reach none of the
   * forges' repositories, and every node whose decision says its own probes failed (since then).
   */
  forgeUnreachable?: readonly { node: string; reason: string; since?: number }[];
  /** the lease holder changed this recently: from -> to */
  leaseChange?: { from: string; to: string; epoch: number; at: number };
  /** the leader's own clone: main's head is not trusted (trust.mode warn or enforce) */
  untrustedHead?: UntrustedHead;
  level1: (node: string) => Level1;
}

export function evaluateSignals(rules: readonly ResolvedRule[], o: AlertObserved, now: number): Candidate[] {
  return rules.flatMap((rule) => signal(rule, o, now).map((c) => ({ ...c, labels: { ...rule.labels, ...c.labels } })));
}

function signal(rule: ResolvedRule, o: AlertObserved, now: number): Candidate[] {
  const base = { name: rule.name, severity: rule.severity, forMs: rule.forMs };
  switch (rule.signal) {
    case 'node-suspect':
    case 'node-down': {
      const cls = rule.signal === 'node-down' ? 'down' : 'suspect';
      return o.liveness
        .filter((l) => l.class === cls)
        .map((l) => ({
          ...base,
          labels: { node: l.node },
          summary: `node ${l.node} is ${cls}`,
          description: l.reason,
        }));
    }
    case 'role-halted':
      return [
        ...o.nodes.flatMap((d) =>
          d.halted.map((role) => ({
            ...base,
            labels: { node: d.node, role },
            summary: `${role} halted on ${d.node} (level ${d.level})`,
            description: `${d.reason}; halted since ${d.since}`,
            since: Date.parse(d.since),
          })),
        ),
        ...o.halts.map((h) => ({
          ...base,
          labels: { role: h.role, ...(h.node ? { node: h.node } : {}), ...(h.repo ? { repo: h.repo } : {}) },
          summary: `${h.role} halted${h.node ? ` on ${h.node}` : ' factory-wide'}${h.repo ? ` for ${h.repo}` : ''}`,
          description: `${h.reason} (by ${h.by}, since ${h.since})`,
          since: Date.parse(h.since),
        })),
      ];
    case 'node-level-3':
      return o.nodes
        .filter((d) => d.level === 3)
        .map((d) => ({
          ...base,
          labels: { node: d.node },
          summary: `node ${d.node} is at level 3`,
          description: `${d.reason}; every unprotected role is halted (since ${d.since})`,
          since: Date.parse(d.since),
        }));
    case 'memory-forecast':
    case 'disk-forecast':
      return forecastSignals(rule, o.telemetry, o.level1, now).map((f) => ({ ...base, ...f }));
    case 'ci-overloaded': {
      const ci = o.halts.filter((h) => h.by === CI_OVERLOAD_BY);
      if (ci.length === 0) return [];
      const since = Math.min(...ci.map((h) => Date.parse(h.since)));
      return [
        {
          ...base,
          labels: {},
          summary: `CI overloaded since ${formatMinute(since)}: ${ci.map((h) => h.role).join(', ')} halted`,
          description: ci[0]!.reason,
          since,
        },
      ];
    }
    case 'agent-failing':
      return failingSlots(o.nodes, rule.runs).map((f) => ({
        ...base,
        labels: { node: f.node, role: f.role, ...(f.repo !== undefined ? { repo: f.repo } : {}) },
        summary: f.summary,
        description: f.description,
      }));
    case 'forge-unreachable':
      return (o.forgeUnreachable ?? []).map((f) => ({
        ...base,
        labels: { node: f.node },
        summary: `the forge is unreachable from ${f.node}`,
        description: f.reason,
        ...(f.since !== undefined ? { since: f.since } : {}),
      }));
    case 'lease-changed': {
      const c = o.leaseChange;
      // An event: it fires for one group interval's worth (10 minutes) after the change, then resolves.
      if (!c || now - c.at > 10 * 60_000) return [];
      return [
        {
          ...base,
          labels: { node: c.to },
          summary: `supervisor lease moved from ${c.from} to ${c.to} (epoch ${c.epoch})`,
          description: `${c.to} took the supervisor lease from ${c.from} at ${new Date(c.at).toISOString()}`,
        },
      ];
    }
    case 'untrusted-head':
      return o.untrustedHead ? [{ ...base, ...untrustedHeadAlert(o.untrustedHead) }] : [];
  }
}
