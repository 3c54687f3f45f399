// A rule as written, completed with its signal's defaults: every rule works unchanged.
import { parseDuration } from '../duration.js';
import type { AlertSeverity } from '../config/alerts-state-schema.js';
import type { AlertRule, AlertSignal } from '../config/alerts-schema.js';

export interface ResolvedRule {
  name: string;
  signal: AlertSignal;
  severity: AlertSeverity;
  forMs: number;
  horizonMs: number;
  lookbackMs: number;
  runs: number;
  labels: Record<string, string>;
}

const CRITICAL = new Set<AlertSignal>(['node-down', 'node-level-3', 'untrusted-head']);
const FOR_DEFAULT: Partial<Record<AlertSignal, string>> = { 'role-halted': '30m', 'ci-overloaded': '30m' };

export function resolveRule(rule: AlertRule): ResolvedRule {
  return {
    name: rule.name ?? rule.signal,
    signal: rule.signal,
    severity:
      rule.severity ?? (CRITICAL.has(rule.signal) ? 'critical' : rule.signal === 'lease-changed' ? 'info' : 'warning'),
    forMs: parseDuration(rule.for ?? FOR_DEFAULT[rule.signal] ?? '0s'),
    horizonMs: parseDuration(rule.horizon ?? '4h'),
    lookbackMs: parseDuration(rule.lookback ?? '6h'),
    runs: rule.runs ?? 3,
    labels: rule.labels ?? {},
  };
}
