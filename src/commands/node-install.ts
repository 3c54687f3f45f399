import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { FactoryError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { installSpecProblems, renderCronBlock, renderCronLines, renderSystemdUnit, replaceNodeBlock, UNIT_NAME, type InstallSpec } from '../domain/node-install.js';
import { writeFileAtomic } from '../adapters/fs/atomic-file.js';
import { readCrontab } from '../adapters/node/crontab.js';
import { requireDir, type CommandContext } from './context.js';
import { parseFlags } from './parse-flags.js';

export const help = `usage: factoryctl node install [--mode systemd|cron] [--write] [--user USER] [--path FILE]

Prints how to run the node daemon on this machine: a systemd unit (default) and the crontab
alternative (\`node --once\` every minute under flock). With --write, installs it:
  systemd  writes /etc/systemd/system/${UNIT_NAME} (as root), then run
           systemctl daemon-reload && systemctl enable --now factoryctl-node
  cron     sets the "# BEGIN factoryctl node" block of USER's crontab, other lines untouched

  --user USER  the account that runs the daemon (default: SUDO_USER, else the current user)
  --path FILE  write here instead (the unit file, or a crontab text file): for tests and packaging`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, { write: { type: 'boolean' }, user: { type: 'string' }, mode: { type: 'string' }, path: { type: 'string' } }, 1);
  if (positionals[0] !== undefined && positionals[0] !== 'install') throw new UsageError(`unexpected argument: ${positionals[0]}`);
  const mode = values.mode;
  if (mode !== undefined && mode !== 'systemd' && mode !== 'cron') throw new UsageError(`--mode is systemd or cron, not "${mode}"`);
  const dir = requireDir(ctx);
  const spec: InstallSpec = { controlDir: dir, node: ctx.node, user: values.user ?? ctx.env.SUDO_USER ?? userInfo().username, nodeBin: process.execPath, loopMode: loopMode(dir, ctx) };
  const problems = installSpecProblems(spec);
  if (problems.length > 0) throw new UsageError(`cannot install: ${problems.join('; ')}`);

  if (!values.write) {
    const unit = renderSystemdUnit(spec);
    const block = renderCronBlock(spec);
    if (ctx.json) ctx.out(JSON.stringify({ systemd: mode === 'cron' ? undefined : unit, cron: mode === 'systemd' ? undefined : block }));
    else if (mode === 'systemd') ctx.out(unit);
    else if (mode === 'cron') ctx.out(block);
    else ctx.out(`# ${join('/etc/systemd/system', UNIT_NAME)}\n${unit}\n# or, without systemd: \`factoryctl node install --mode cron --write\` puts this in the crontab\n${block}`);
    return EXIT.OK;
  }

  const written = (mode ?? 'systemd') === 'systemd' ? writeUnit(spec, values.path) : writeCron(spec, values.path);
  if (ctx.json) ctx.out(JSON.stringify({ mode: mode ?? 'systemd', ...written }));
  else ctx.out(written.next ? `${written.changed ? 'wrote' : 'unchanged:'} ${written.path}\nnext: ${written.next}` : `${written.changed ? 'wrote' : 'unchanged:'} ${written.path}`);
  return EXIT.OK;
}

interface Written {
  path: string;
  changed: boolean;
  next?: string;
}

function writeUnit(spec: InstallSpec, path: string | undefined): Written {
  const target = path ?? join('/etc/systemd/system', UNIT_NAME);
  const text = renderSystemdUnit(spec);
  const changed = readOptional(target) !== text;
  if (changed) guarded(target, () => {
    mkdirSync(dirname(target), { recursive: true });
    writeFileAtomic(target, text);
  });
  return { path: target, changed, ...(path ? {} : { next: 'systemctl daemon-reload && systemctl enable --now factoryctl-node' }) };
}

function writeCron(spec: InstallSpec, path: string | undefined): Written {
  const lines = renderCronLines(spec);
  if (path) {
    const current = readOptional(path) ?? '';
    const next = replaceNodeBlock(current, lines);
    if (next !== current) guarded(path, () => writeFileAtomic(path, next));
    return { path, changed: next !== current };
  }
  const user = spec.user === userInfo().username ? undefined : spec.user;
  const current = readCrontab(user ? { user } : {});
  const next = replaceNodeBlock(current, lines);
  if (next !== current) installCrontab(next, user);
  return { path: `crontab of ${spec.user}`, changed: next !== current };
}

/** Installed from a staged file, not a pipe: a kill mid-write must not install a truncated table. */
function installCrontab(text: string, user: string | undefined): void {
  const staged = join(tmpdir(), `factoryctl-node-install.${process.pid}.tmp`);
  writeFileSync(staged, text, { mode: 0o600 });
  try {
    const r = spawnSync('crontab', [...(user ? ['-u', user] : []), staged], { encoding: 'utf8', timeout: 30_000 });
    if (r.error) throw new FactoryError(`crontab: ${r.error.message}`, EXIT.UNAVAILABLE);
    if (r.status !== 0) throw new FactoryError(`crontab refused the new table (exit ${r.status}): ${r.stderr.trim()}`, EXIT.IOERR);
  } finally {
    unlinkSync(staged);
  }
}

/** Loop mode changes the unit (no cgroup memory cap); unreadable config means the safe choice. */
function loopMode(dir: string, ctx: CommandContext): boolean {
  try {
    const config = parse(readFileSync(join(dir, 'factory.yaml'), 'utf8')) as { nodes?: Record<string, { control?: string[] }> };
    // "default" stands for any machine not listed by name.
    const node = config.nodes?.[ctx.node] ?? config.nodes?.default;
    if (!node) ctx.err(`warning: node "${ctx.node}" is not in factory.yaml and there is no "default" node`);
    return node === undefined || (node.control ?? []).includes('loop');
  } catch {
    return true;
  }
}

function guarded(path: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new FactoryError(`cannot write ${path}: permission denied (run as root, e.g. with sudo)`, EXIT.NOPERM);
    throw error;
  }
}

function readOptional(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
