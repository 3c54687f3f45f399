import { cpSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  buildInfo,
  formatBuildInfo,
  partOid,
  partsFromLsTree,
  BUILD_INPUTS,
  type BuildInfo,
} from '../../domain/build-id.js';
import { depsSource } from '../../domain/upgrade-plan.js';
import { CONFIG_WORKER_FILE } from '../control-repo/config-worker.js';
import { git } from '../git/run-git.js';
import { depsModules, listDir, type UpgradeLayout } from './layout.js';
import { failureSummary, runProcess } from '../process/run-process.js';

export interface HeadBuild {
  commit: string;
  info: BuildInfo;
}

/** The identity of the checked-out commit's build, read from git's object ids (no file is read). */
export async function headBuild(controlDir: string): Promise<HeadBuild> {
  const commit = await git(controlDir, ['rev-parse', '--verify', 'HEAD^{commit}']);
  const listing = await git(controlDir, ['ls-tree', '--full-tree', commit, '--', ...BUILD_INPUTS]);
  return { commit, info: buildInfo(partsFromLsTree(listing)) };
}

export type BuildOutcome = { ok: true; dist: string; work: string } | { ok: false; reason: string; work: string };

/**
 * Builds `head` in a private work directory: exactly the hashed inputs from `git archive`, so
 * the build is a function of its id, whatever the work tree holds. node_modules are reused
 * when the lock file allows it, else installed with `npm ci` under a time bound.
 */
export async function buildHead(
  l: UpgradeLayout,
  head: HeadBuild,
  running: BuildInfo | undefined,
  opts: { buildTimeoutMs: number; installTimeoutMs: number; log: (m: string) => void },
): Promise<BuildOutcome> {
  const work = join(l.builds, `.work-${head.info.id}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const tar = join(work, 'source.tar');
  const paths = head.info.parts.map((p) => p.path);
  await git(l.controlDir, ['archive', '--format=tar', '-o', tar, head.commit, '--', ...paths]);
  const untar = await runProcess('tar', ['-xf', tar, '-C', work], { cwd: work, timeoutMs: 60_000 });
  if (untar.code !== 0) return { ok: false, reason: failureSummary('unpacking the source', untar), work };

  const modules = await ensureDeps(l, head.info, running, work, opts);
  if (typeof modules !== 'string') return { ok: false, reason: modules.reason, work };
  symlinkSync(modules, join(work, 'node_modules'));

  opts.log(`building factoryctl ${head.info.id} (commit ${head.commit.slice(0, 12)})`);
  const built = await runProcess(process.execPath, ['scripts/build.mjs'], {
    cwd: work,
    timeoutMs: opts.buildTimeoutMs,
    env: { FACTORYCTL_BUILD_INFO: formatBuildInfo(head.info) },
  });
  if (built.code !== 0 || built.timedOut) return { ok: false, reason: failureSummary('the build', built), work };
  const dist = join(work, 'dist');
  for (const file of ['cli.js', 'gate.cjs', 'gate-early.cjs', 'gate-slots.cjs', 'gate-trust.cjs', CONFIG_WORKER_FILE]) {
    if (!existsSync(join(dist, file))) return { ok: false, reason: `the build wrote no dist/${file}`, work };
  }
  return { ok: true, dist, work };
}

async function ensureDeps(
  l: UpgradeLayout,
  info: BuildInfo,
  running: BuildInfo | undefined,
  work: string,
  opts: { installTimeoutMs: number; log: (m: string) => void },
): Promise<string | { reason: string }> {
  const lock = partOid(info, 'package-lock.json');
  const source = depsSource({
    lock,
    runningLock: partOid(running, 'package-lock.json'),
    cached: lock !== undefined && existsSync(depsModules(l, lock)),
    controlDirHasModules: existsSync(join(l.controlDir, 'node_modules')),
  });
  if (source.kind === 'control-dir') return join(l.controlDir, 'node_modules');
  if (lock === undefined)
    return { reason: 'package-lock.json is not committed: cannot install dependencies reproducibly' };
  if (source.kind === 'cached') return depsModules(l, lock);

  const tmp = join(l.deps, `.tmp-${lock}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  cpSync(join(work, 'package.json'), join(tmp, 'package.json'));
  cpSync(join(work, 'package-lock.json'), join(tmp, 'package-lock.json'));
  opts.log(`package-lock.json changed: npm ci for build ${info.id}`);
  const installed = await runProcess(npmPath(), ['ci', '--no-audit', '--no-fund'], {
    cwd: tmp,
    timeoutMs: opts.installTimeoutMs,
  });
  if (installed.code !== 0 || installed.timedOut) {
    rmSync(tmp, { recursive: true, force: true });
    return { reason: failureSummary('npm ci', installed) };
  }
  // npm makes no node_modules for a lock without dependencies; the cache entry still needs one.
  mkdirSync(join(tmp, 'node_modules'), { recursive: true });
  renameSync(tmp, join(l.deps, lock));
  return depsModules(l, lock);
}

/** The npm beside the running node: a systemd unit's PATH may not hold the one a shell finds. */
function npmPath(): string {
  const beside = join(dirname(process.execPath), 'npm');
  return existsSync(beside) ? beside : 'npm';
}

/** Work left by a killed upgrade; only called while holding the lock, so none of it is live. */
export function removeLeftovers(l: UpgradeLayout): void {
  for (const name of listDir(l.builds))
    if (name.startsWith('.work-')) rmSync(join(l.builds, name), { recursive: true, force: true });
  for (const name of listDir(l.deps))
    if (name.startsWith('.tmp-')) rmSync(join(l.deps, name), { recursive: true, force: true });
}
