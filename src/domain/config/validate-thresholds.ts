import { formatDuration, parseDuration } from '../duration.js';
import { downAfterMs } from '../placement/liveness.js';
import { livenessPolicy, placementEnabled } from '../placement/plan-placement.js';
import { effectivePolicy } from '../pressure/effective-policy.js';
import { filesOf, type ParsedFile, type Reporter, type Rule } from './config-set.js';
import { FACTORY, PRESET, REPO } from './file-registry.js';
import { LEVEL_KEYS, type Policy, type PolicyOverride } from './policy-schema.js';
import type { YamlPath } from './yaml-locate.js';

type Signal = 'memAvailableMb' | 'swapUsedMb' | 'diskUsedPercent' | 'load1PerCore';
/** Memory is bad when low, so a later (more severe) level halts lower; the others halt higher. */
const WORSE_IS_LOWER: Record<Signal, boolean> = {
  memAvailableMb: true,
  swapUsedMb: false,
  diskUsedPercent: false,
  load1PerCore: false,
};
const SIGNALS = Object.keys(WORSE_IS_LOWER) as Signal[];

/**
 * Levels are graduated: level 2 engages no earlier than level 1, level 3 no earlier than level 2,
 * else a mild pressure would halt review before dev. Checked on the factory's policy and on each
 * node's effective policy, reported where the offending number is written.
 */
function checkGraduation(
  policy: Policy,
  report: Reporter,
  file: ParsedFile,
  at: (level: string, signal: Signal) => YamlPath | undefined,
  where: string,
): void {
  for (const signal of SIGNALS) {
    const defined = LEVEL_KEYS.filter((l) => policy.levels[l]?.[signal] !== undefined);
    for (let i = 1; i < defined.length; i++) {
      const [lo, hi] = [defined[i - 1]!, defined[i]!];
      const a = policy.levels[lo]![signal]!.halt;
      const b = policy.levels[hi]![signal]!.halt;
      const ok = WORSE_IS_LOWER[signal] ? b <= a : b >= a;
      if (ok) continue;
      const path = at(hi, signal) ?? at(lo, signal);
      if (!path) continue;
      const relation = WORSE_IS_LOWER[signal] ? 'at most' : 'at least';
      report.error(
        file,
        path,
        `level ${hi} must be more severe than level ${lo}${where}: ${signal}.halt ${b} should be ${relation} level ${lo}'s ${a}`,
      );
    }
  }
}

function checkDiskPercent(
  levels: Partial<Record<string, unknown>> | undefined,
  base: YamlPath,
  file: ParsedFile,
  report: Reporter,
): void {
  for (const level of LEVEL_KEYS) {
    const disk = (levels?.[level] as { diskUsedPercent?: { halt: number; resume: number } | null } | undefined)
      ?.diskUsedPercent;
    for (const key of ['halt', 'resume'] as const)
      if (disk && disk[key] > 100)
        report.error(file, [...base, level, 'diskUsedPercent', key], `${disk[key]} is not a percentage (0-100)`);
  }
}

const policyIsGraduated: Rule = (set, report) => {
  const file = filesOf(set, FACTORY)[0];
  if (!file) return;
  const { policy, nodes } = file.value;
  checkDiskPercent(policy.levels, ['policy', 'levels'], file, report);
  checkGraduation(policy, report, file, (l, s) => ['policy', 'levels', l, s, 'halt'], '');
  for (const [node, config] of Object.entries(nodes)) {
    const override: PolicyOverride | undefined = config.policy;
    if (!override?.levels) continue;
    checkDiskPercent(override.levels, ['nodes', node, 'policy', 'levels'], file, report);
    // Pairs already wrong in the factory's policy were reported there; here only what the node changes.
    const written = (l: string, s: Signal) =>
      override.levels?.[l as '1']?.[s] ? ['nodes', node, 'policy', 'levels', l, s, 'halt'] : undefined;
    checkGraduation(effectivePolicy(policy, override), report, file, written, ` on node "${node}"`);
  }
};

/** Schedules: min <= max, and an initial interval between them. */
function checkBounds(
  b: { min?: string | undefined; max?: string | undefined; initial?: string | undefined },
  base: YamlPath,
  file: ParsedFile,
  report: Reporter,
): void {
  const ms = (d: string | undefined) => (d === undefined ? undefined : parseDuration(d));
  const [min, max, initial] = [ms(b.min), ms(b.max), ms(b.initial)];
  if (min !== undefined && max !== undefined && min > max)
    report.error(file, [...base, 'min'], `min (${b.min}) is longer than max (${b.max})`);
  if (initial !== undefined && ((min !== undefined && initial < min) || (max !== undefined && initial > max)))
    report.error(
      file,
      [...base, 'initial'],
      `initial (${b.initial}) is outside min..max (${b.min ?? '?'}..${b.max ?? '?'})`,
    );
}

const schedulesAreBounded: Rule = (set, report) => {
  for (const file of filesOf(set, FACTORY)) {
    for (const [role, config] of Object.entries(file.value.roles))
      if (config.schedule) checkBounds(config.schedule, ['roles', role, 'schedule'], file, report);
    checkBounds(file.value.supervisor.interval, ['supervisor', 'interval'], file, report);
  }
  for (const file of [...filesOf(set, PRESET), ...filesOf(set, REPO)])
    for (const [role, agent] of Object.entries(file.value.agents ?? {}))
      if (agent.schedule) checkBounds(agent.schedule, ['agents', role, 'schedule'], file, report);
};

/**
 * A node cut off stops its placed slots once its pull is gate.maxStaleness old; the leader moves
 * them once it calls the node down. Stopping must come first, or a slot can run on two nodes.
 */
const stalenessBeforeDown: Rule = (set, report) => {
  for (const file of filesOf(set, FACTORY)) {
    const config = file.value;
    if (!placementEnabled(config)) continue;
    const staleMs = parseDuration(config.gate.maxStaleness);
    const downMs = downAfterMs(parseDuration(config.telemetry.heartbeat), livenessPolicy(config));
    if (staleMs >= downMs)
      report.warning(
        file,
        ['gate', 'maxStaleness'],
        `${config.gate.maxStaleness} is not shorter than the time to call a node down (${formatDuration(downMs)}): a node cut off could still run a slot the leader has moved; lower it or raise supervisor.placement.downAfterMin`,
      );
  }
};

export const thresholdRules: readonly Rule[] = [policyIsGraduated, schedulesAreBounded, stalenessBeforeDown];
