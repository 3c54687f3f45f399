import type { AgentLogsConfig } from '../config/agent-logs-schema.js';

/** How big a slot's run log may grow before it is rotated, and how many rotated files stay. */
export interface LogBounds {
  maxBytes: number;
  keep: number;
}

export const logBounds = (c: AgentLogsConfig): LogBounds => ({ maxBytes: c.maxMiB * 1024 * 1024, keep: c.keep });

/** `<log>.1` is the newest rotated file, `<log>.<keep>` the oldest. */
export const rotatedLog = (log: string, i: number) => `${log}.${i}`;

/** A run log is rotated when it passes the bound; anything else in the log folder is left alone. */
export const isRunLog = (name: string) => name.endsWith('.log');
export const rotationDue = (size: number, b: LogBounds) => size > b.maxBytes;

/** The renames of one rotation, in the order that never overwrites a file still needed: oldest first. */
export function rotationShifts(log: string, keep: number): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (let i = keep - 1; i >= 1; i--) out.push({ from: rotatedLog(log, i), to: rotatedLog(log, i + 1) });
  return out;
}
