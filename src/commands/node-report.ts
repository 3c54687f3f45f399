import type { CycleReport } from '../runtime/node/daemon.js';

/** `node --once` for a terminal: the level, what it halts and why, each role, problems, telemetry. */
export function describeCycle(node: string, r: CycleReport): string {
  const halted = r.halted.length > 0 ? `halts ${r.halted.join(', ')}` : 'halts nothing';
  const roles = Object.entries(r.roles).map(
    ([id, s]) => `  ${id}: ${s.state}${s.source !== 'none' ? ` (${s.source})` : ''}`,
  );
  return [
    `${node}: level ${r.level}, ${halted}: ${r.reason}`,
    ...roles,
    ...r.problems.map((p) => `  problem: ${p}`),
    `telemetry: ${r.commit || 'nothing new'}`,
  ].join('\n');
}
