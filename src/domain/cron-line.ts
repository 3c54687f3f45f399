import type { Assignment } from './assignments.js';
import type { NodePaths } from './node-paths.js';

/** What a crontab line needs to find factoryctl again from cron's bare environment. */
export interface CronContext {
  controlDir: string;
  node: string;
  /** Absolute path of node (cron's PATH is /usr/bin:/bin; node often lives elsewhere). */
  nodeBin: string;
  /** Absolute path of bin/factoryctl.js. */
  cli: string;
}

/**
 * The command part of one agent's crontab line:
 *   cd CONTROL && export FACTORY_DIR=.. FACTORY_NODE=.. FACTORY_ROLE=.. FACTORY_RUN_DIR=.. FACTORY_STATE_DIR=..
 *     && { NODE CLI gate ROLE [--repo R] --no-pull -- /bin/sh -c
 *          '[factoryctl_env=$(NODE CLI env R) && eval "$factoryctl_env" && ]COMMAND'; } >>LOG 2>&1
 * - the gate runs the command itself, holding a slot of roles.<role>.maxConcurrent for as long
 *   as the command lives (a kernel lock: a killed run frees it at once);
 * - no secret enters the crontab: `factoryctl env` prints the values at run time, into a variable;
 *   the assignment's status is env's, so a missing variable stops the run instead of running bare;
 * - the gate runs with --no-pull (the node daemon keeps the control repo fresh) and still fails
 *   closed for heavy roles when that copy is too stale;
 * - the run and state directories are passed on, so a gate started by cron reads the same
 *   decision file as the daemon even when the daemon got them from FACTORY_RUN_DIR/STATE_DIR;
 * - every word is single-quoted, and the operator's command goes through `sh -c` as one quoted
 *   word so a `#` or `;` in it cannot swallow the redirection;
 * - `%` is special to cron (it starts stdin) and is escaped as `\%`, which cron turns back into `%`.
 */
export function cronLine(
  a: Assignment,
  ctx: CronContext,
  paths: NodePaths,
  log: string,
): { ok: true; command: string } | { ok: false; problem: string } {
  if (/[\r\n]/.test(a.command))
    return { ok: false, problem: 'its command spans several lines; cron takes one line (put it in a script)' };
  const cli = `${q(ctx.nodeBin)} ${q(ctx.cli)}`;
  const exports = [
    ['FACTORY_DIR', ctx.controlDir],
    ['FACTORY_NODE', ctx.node],
    ['FACTORY_ROLE', a.role],
    ['FACTORY_RUN_DIR', paths.runDir],
    ['FACTORY_STATE_DIR', paths.stateDir],
  ].map(([k, v]) => `${k}=${q(v!)}`);
  const env = a.repo !== undefined ? `factoryctl_env=$(${cli} env ${q(a.repo)}) && eval "$factoryctl_env" && ` : '';
  const body = `cd ${q(ctx.controlDir)} && export ${exports.join(' ')} && { ${gatedCommand(a, ctx, env + a.command)}; } >>${q(log)} 2>&1`;
  return { ok: true, command: body.replaceAll('%', '\\%') };
}

/**
 * `NODE CLI gate ROLE [--repo R] --no-pull -- /bin/sh -c SCRIPT`: how crontab lines and the loop
 * start an agent, so both ask the gate (halts, placement, the other writers' drop-in files) and
 * hold a slot of the role's caps for as long as the agent lives, exactly as a bash factory's
 * own `gate ROLE -- COMMAND` line does.
 */
export function gatedCommand(
  a: Pick<Assignment, 'role' | 'repo'>,
  ctx: Pick<CronContext, 'nodeBin' | 'cli'>,
  script: string,
): string {
  const cli = `${q(ctx.nodeBin)} ${q(ctx.cli)}`;
  const gate = `${cli} gate ${q(a.role)}${a.repo !== undefined ? ` --repo ${q(a.repo)}` : ''} --no-pull`;
  return `${gate} -- /bin/sh -c ${q(script)}`;
}

/** POSIX single quotes: everything literal, a quote as '\''. */
export function q(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
