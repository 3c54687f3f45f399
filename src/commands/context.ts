import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { FactoryError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

/** What every command gets from the entry point: where it is, who it is, how to print. */
export interface CommandContext {
  /** The control repo's root, if one was found (see findControlDir). */
  dir: string | undefined;
  /** Where dir came from: --dir, FACTORY_DIR, or the search upwards from the current folder. */
  dirSource: 'flag' | 'env' | 'search' | 'none';
  node: string;
  /** --node as given on the command line: halt/resume use it as a scope, not an identity. */
  nodeFlag: string | undefined;
  json: boolean;
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: show progress. */
  interactive: boolean;
  out(text: string): void;
  err(text: string): void;
  now(): number;
}

export type CommandRun = (args: string[], ctx: CommandContext) => Promise<number>;

export interface GlobalOptions {
  dir?: string;
  node?: string;
  json: boolean;
}

/** The control repo: --dir, then FACTORY_DIR, then the nearest folder upwards holding factory.yaml. */
export function findControlDir(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const given = explicit ?? env.FACTORY_DIR;
  if (given) return resolve(cwd, given);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'factory.yaml'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function requireDir(ctx: CommandContext): string {
  if (ctx.dir) return ctx.dir;
  throw new FactoryError(
    'no control repo here: run inside a clone of it (a folder with factory.yaml), or give --dir or FACTORY_DIR',
    EXIT.NOINPUT,
  );
}

export function makeContext(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const dir = findControlDir(opts.dir, env, process.cwd());
  return {
    dir,
    dirSource: opts.dir ? 'flag' : env.FACTORY_DIR ? 'env' : dir ? 'search' : 'none',
    node: opts.node ?? env.FACTORY_NODE ?? hostname(),
    nodeFlag: opts.node,
    json: opts.json,
    env,
    interactive: Boolean(process.stderr.isTTY) && !opts.json,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    now: () => Date.now(),
  };
}
