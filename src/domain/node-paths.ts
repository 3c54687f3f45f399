import { isAbsolute, join, resolve } from 'node:path';

export interface NodePaths {
  runDir: string;
  stateDir: string;
}

/** FACTORY_RUN_DIR / FACTORY_STATE_DIR win over the node's config; relative paths are the control repo's. */
export function nodePaths(
  controlDir: string,
  config: { runDir?: string; stateDir?: string } | undefined,
  env: NodeJS.ProcessEnv,
): NodePaths {
  const pick = (fromEnv: string | undefined, fromConfig: string | undefined, fallback: string) => {
    const chosen = fromEnv || fromConfig || fallback;
    const expanded = chosen.startsWith('~/') && env.HOME ? join(env.HOME, chosen.slice(2)) : chosen;
    return isAbsolute(expanded) ? expanded : resolve(controlDir, expanded);
  };
  return {
    runDir: pick(env.FACTORY_RUN_DIR, config?.runDir, '.factoryctl/run'),
    stateDir: pick(env.FACTORY_STATE_DIR, config?.stateDir, '.factoryctl/state'),
  };
}

export const haltFile = (paths: NodePaths, role: string) => join(paths.runDir, 'halt', role);
export const activeFile = (paths: NodePaths, role: string, name?: string) =>
  join(paths.stateDir, name ?? `.${role}-active`);
export const decisionFile = (paths: NodePaths) => join(paths.runDir, 'decision.json');
/** Each slot's last run exit and its failing streak, written by the gate (node/exit-streak.ts). */
export const exitsDir = (runDir: string) => join(runDir, 'exits');
/** What factoryctl last wrote to each drop-in `.active` file (node/active-record.ts). */
export const activeRecordFile = (paths: NodePaths) => join(paths.runDir, 'active-record.json');
