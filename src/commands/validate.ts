import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { FactoryError, formatProblem, type ConfigProblem } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { FACTORY, FILE_KINDS, kindOf } from '../domain/config/file-registry.js';
import { problemsOf, validateControlRepo } from '../domain/config/validate.js';
import { listControlFiles, readControlFiles } from '../adapters/control-repo/files.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl validate [PATH] [--json]

Checks a control repo (default: this one) or a single file of it: every YAML file against its
schema, values that look like secrets, and references between files (roles, nodes, presets).
Each problem is printed as  file:line:col: field: message  (paths relative to the control repo).
  exit 0   valid (warnings alone do not fail)
  exit 78  invalid (EX_CONFIG)

  PATH     a control repo folder, or one file of it (cross-file rules still read the others)
  --json   print { ok, root, problems: [{ file, line, col, field, message, severity }] }`;

interface Target {
  root: string;
  /** Set when one file was named: only its problems are reported. */
  only?: string;
  /** The file lies outside any control repo: only it was read. */
  partial?: boolean;
  paths: string[];
}

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { positionals } = parseFlags(args, {}, 1);
  const target = await resolveTarget(positionals[0], ctx);
  const files = await readControlFiles(target.root, target.paths);
  const result = validateControlRepo(files, {
    now: ctx.now(),
    partial: target.partial === true,
    ...(target.only ? { only: target.only } : {}),
  });
  const problems = problemsOf(result);

  if (ctx.json) ctx.out(JSON.stringify({ ok: result.ok, root: target.root, problems }));
  else {
    for (const p of problems)
      ctx.out(formatProblem(p.severity === 'warning' ? { ...p, message: `warning: ${p.message}` } : p));
    ctx.err(summary(problems, target));
  }
  return result.ok ? EXIT.OK : EXIT.CONFIG;
}

function summary(problems: ConfigProblem[], target: Target): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const what = target.only ?? `${target.paths.length} files in ${target.root}`;
  if (errors === 0) return `valid: ${what}${warnings ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''}`;
  return `invalid: ${errors} error${errors > 1 ? 's' : ''}${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''} in ${what}`;
}

async function resolveTarget(path: string | undefined, ctx: CommandContext): Promise<Target> {
  if (path === undefined) {
    const root = requireDir(ctx);
    return { root, paths: await listControlFiles(root) };
  }
  const full = resolve(path);
  if (!existsSync(full)) throw new FactoryError(`no such file or folder: ${path}`, EXIT.NOINPUT);
  if (statSync(full).isDirectory()) return { root: full, paths: await listControlFiles(full) };

  const root = controlRootOf(full);
  const only = relative(root, full).split(sep).join('/');
  const withRepo = existsSync(join(root, FACTORY.pattern));
  if (!withRepo) return { root, only, partial: true, paths: [only] };
  return { root, only, paths: [...new Set([...(await listControlFiles(root)), only])] };
}

/**
 * The control repo a file belongs to: the nearest folder above holding factory.yaml, else the
 * folder that makes the file's path match a known kind (e.g. a lone factory-state/overrides.yaml).
 */
function controlRootOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, FACTORY.pattern))) return dir;
    if (dirname(dir) === dir) break;
  }
  const parts = file.split(sep);
  for (let i = 1; i < parts.length; i++) {
    const rel = parts.slice(i).join('/');
    if (kindOf(rel, FILE_KINDS)) return parts.slice(0, i).join(sep) || sep;
  }
  return dirname(file);
}
