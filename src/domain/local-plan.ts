import { join } from 'node:path';
import type { Assignment } from './assignments.js';
import { cronSchedule } from './cron-schedule.js';
import { formatDuration } from './duration.js';
import type { RoleState } from './effective-state.js';
import { activeFile, activeRecordFile, haltFile, type NodePaths } from './node-paths.js';
import { cronLine, type CronContext } from './cron-line.js';

export type { CronContext } from './cron-line.js';

/** The JSON inside a halt file: enough for a human or a script to see why, without factoryctl. */
export interface HaltFileContent {
  role: string;
  repo?: string;
  reason: string;
  by: string;
  since: string;
  until?: string;
  source: RoleState['source'];
}

export interface LocalPlanInput {
  assignments: Assignment[];
  /** Roles whose role-wide halt file and `.<role>-active` file this node keeps (its entry's roles). */
  roles: string[];
  /** roles.<role>.activeFile, where a role names its own drop-in file (default .<role>-active) */
  activeNames?: Record<string, string>;
  stateOf: (query: { role: string; repo?: string }) => RoleState;
  paths: NodePaths;
  cron: CronContext;
}

/** The desired local state, as plain data: applyHaltFiles and applyCrontabBlock make it so. */
export interface LocalPlan {
  /** factoryctl's halt directory: a file of factoryctl's there that is not listed below is removed. */
  haltDir: string;
  haltFiles: { path: string; content: string }[];
  /** `.<role>-active` files that must exist, and those that must not. */
  activeFiles: string[];
  inactiveFiles: string[];
  /** What factoryctl last wrote to those files, so another writer's change is seen (node/active-record.ts). */
  activeRecord: string;
  /** Directories the agents' lines need (the log directory their output is appended to). */
  dirs: string[];
  /** The crontab block's lines, markers excluded. */
  crontab: string[];
  /** Assignments that cannot become a crontab line, and why (they still get halt files). */
  problems: string[];
}

/** `dev@owner/name` -> `dev@owner__name`: one path segment. */
export const fileToken = (id: string) => id.replace('/', '__');
export const repoHaltFile = (paths: NodePaths, role: string, repo: string) =>
  join(paths.runDir, 'halt', fileToken(`${role}@${repo}`));
export const logDir = (paths: NodePaths) => join(paths.runDir, 'log');
export const logFile = (paths: NodePaths, id: string) => join(logDir(paths), `${fileToken(id)}.log`);

export function localPlan(input: LocalPlanInput): LocalPlan {
  const { paths } = input;
  const plan: LocalPlan = {
    haltDir: join(paths.runDir, 'halt'),
    haltFiles: [],
    activeFiles: [],
    inactiveFiles: [],
    activeRecord: activeRecordFile(paths),
    dirs: [logDir(paths)],
    crontab: [],
    problems: [],
  };
  const roles = [...new Set([...input.roles, ...input.assignments.map((a) => a.role)])];
  for (const role of roles) {
    const state = input.stateOf({ role });
    if (state.state === 'halt') {
      plan.haltFiles.push({ path: haltFile(paths, role), content: haltContent(state) });
      plan.inactiveFiles.push(activeFile(paths, role, input.activeNames?.[role]));
    } else {
      plan.activeFiles.push(activeFile(paths, role, input.activeNames?.[role]));
    }
  }
  for (const a of input.assignments) {
    const state = input.stateOf(a.repo === undefined ? { role: a.role } : { role: a.role, repo: a.repo });
    if (a.repo !== undefined && state.state === 'halt') {
      plan.haltFiles.push({ path: repoHaltFile(paths, a.role, a.repo), content: haltContent(state) });
    }
    const line = cronLine(a, input.cron, paths, logFile(paths, a.id));
    if (!line.ok) {
      plan.problems.push(`${a.id}: ${line.problem}`);
      continue;
    }
    const { expr, everyMs } = cronSchedule(a.intervalMs, a.id);
    const asked =
      everyMs === a.intervalMs ? '' : ` (interval ${formatDuration(a.intervalMs)}, rounded to what cron can keep)`;
    plan.crontab.push(`# ${a.id}: every ${formatDuration(everyMs)}${asked}`);
    const entry = `${expr} ${line.command}`;
    if (state.state === 'halt') {
      // The entry stays, commented out byte for byte, so a resume restores exactly this line.
      plan.crontab.push(`# halted: ${oneLine(describe(state))}`, `# ${entry}`);
    } else {
      plan.crontab.push(entry);
    }
  }
  return plan;
}

export function haltContent(state: RoleState): string {
  const content: HaltFileContent = {
    role: state.role,
    ...(state.repo !== undefined ? { repo: state.repo } : {}),
    reason: state.reason,
    by: state.by,
    since: state.since ?? '',
    ...(state.until !== undefined ? { until: state.until } : {}),
    source: state.source,
  };
  return `${JSON.stringify(content)}\n`;
}

function describe(state: RoleState): string {
  return `${state.reason} (${state.source}: ${state.by}${state.since ? ` since ${state.since}` : ''}${state.until ? ` until ${state.until}` : ''})`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
