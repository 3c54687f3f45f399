import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { buildsToPrune, depsToPrune, planUpgrade } from '../../domain/upgrade-plan.js';
import { partOid } from '../../domain/build-id.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { activate } from './activate.js';
import { buildHead, headBuild, removeLeftovers, type HeadBuild } from './build.js';
import {
  buildDir,
  listBuilt,
  listCachedDeps,
  readInfo,
  readRunning,
  upgradeLayout,
  type UpgradeLayout,
} from './layout.js';
import { tryLock } from './lock.js';
import { untrustedSource } from './trusted-source.js';
import { cliOf, defaultSelfCheck, type SelfCheck } from './self-check.js';

export type { SelfCheck, SelfCheckResult } from './self-check.js';

export interface UpgradeOptions {
  log: (message: string) => void;
  /** Replaces the default check (`--version` and `validate --json` with the new build). */
  runSelfCheck?: SelfCheck;
  buildTimeoutMs?: number;
  installTimeoutMs?: number;
  /** A lock older than this is taken over even if its process seems alive. */
  staleLockMs?: number;
}

export interface UpgradeResult {
  status: 'current' | 'upgraded' | 'failed';
  from?: string;
  to?: string;
  reason?: string;
  /** A failure already reported for this same source: nothing was rebuilt, no need to log it again. */
  cached?: boolean;
}

const DEFAULTS = { buildTimeoutMs: 5 * 60_000, installTimeoutMs: 10 * 60_000 };

/**
 * Called after each pull: when the checked-out factoryctl differs from the running build, build
 * it beside the running one, check it, and switch to it; otherwise, or on any failure, keep the
 * running build. The caller should restart the daemon after 'upgraded' (it still runs the old
 * code, and builds older than the previous one are deleted).
 */
export async function upgradeIfNeeded(controlDir: string, opts: UpgradeOptions): Promise<UpgradeResult> {
  const untrusted = await untrustedSource(controlDir);
  if (untrusted) return { status: 'current', reason: untrusted };
  const l = upgradeLayout(controlDir);
  const timeouts = { ...DEFAULTS, ...definedOnly(opts) };
  mkdirSync(l.builds, { recursive: true });
  const lock = tryLock(l.lock, {
    staleAfterMs: opts.staleLockMs ?? timeouts.installTimeoutMs + timeouts.buildTimeoutMs + 5 * 60_000,
  });
  // Not a failure: the holder is doing this same work; the next pull looks again.
  if (!lock.acquired) return { status: 'current', reason: `another upgrade is in progress (${lock.holder})` };
  try {
    return await upgradeLocked(l, opts, timeouts);
  } catch (error) {
    // Unexpected (git unreadable, disk full): not recorded against the id, so it is retried.
    return { status: 'failed', reason: `self-upgrade error: ${(error as Error).message}` };
  } finally {
    lock.release();
  }
}

async function upgradeLocked(
  l: UpgradeLayout,
  opts: UpgradeOptions,
  timeouts: typeof DEFAULTS,
): Promise<UpgradeResult> {
  const head = await headBuild(l.controlDir);
  const running = readRunning(l);
  const from = running?.id;
  const to = head.info.id;
  const step = planUpgrade({ running: from, head: to, failed: readFailed(l), built: listBuilt(l) });
  if (step.kind === 'current') return { status: 'current', from };
  if (step.kind === 'known-failure') return { status: 'failed', from, to, reason: step.reason, cached: true };

  removeLeftovers(l);
  if (step.kind === 'build') {
    const reason = await buildAndCheck(l, head, running, opts, timeouts);
    if (reason) {
      writeFileAtomic(l.failed, JSON.stringify({ id: to, commit: head.commit, reason }));
      opts.log(`factoryctl ${to} not switched to, still running ${from ?? 'no build'}: ${reason}`);
      return { status: 'failed', from, to, reason };
    }
  }
  const previous = activate(l, head.info, running);
  rmSync(l.failed, { force: true });
  prune(l, to, previous);
  opts.log(`factoryctl switched from build ${from ?? '(none)'} to ${to} (commit ${head.commit.slice(0, 12)})`);
  return { status: 'upgraded', from, to };
}

/** Returns why the build cannot be used, or undefined once it is checked and in place. */
async function buildAndCheck(
  l: UpgradeLayout,
  head: HeadBuild,
  running: ReturnType<typeof readRunning>,
  opts: UpgradeOptions,
  timeouts: typeof DEFAULTS,
): Promise<string | undefined> {
  const built = await buildHead(l, head, running, { ...timeouts, log: opts.log });
  try {
    if (!built.ok) return built.reason;
    const check = await (opts.runSelfCheck ?? defaultSelfCheck)({
      dir: built.dist,
      cli: cliOf(built.dist),
      controlDir: l.controlDir,
    });
    if (!check.ok) return check.reason;
    renameSync(built.dist, buildDir(l, head.info.id));
    return undefined;
  } finally {
    rmSync(built.work, { recursive: true, force: true });
  }
}

function prune(l: UpgradeLayout, active: string, previous: string | undefined): void {
  for (const id of buildsToPrune(listBuilt(l), active, previous))
    rmSync(buildDir(l, id), { recursive: true, force: true });
  const keptLocks = [active, previous].map((id) =>
    id ? partOid(readInfo(`${buildDir(l, id)}/BUILD_ID`), 'package-lock.json') : undefined,
  );
  for (const lock of depsToPrune(listCachedDeps(l), keptLocks))
    rmSync(`${l.deps}/${lock}`, { recursive: true, force: true });
}

function readFailed(l: UpgradeLayout): { id: string; reason: string } | undefined {
  try {
    const value = JSON.parse(readFileSync(l.failed, 'utf8')) as { id?: unknown; reason?: unknown };
    return typeof value.id === 'string' ? { id: value.id, reason: String(value.reason) } : undefined;
  } catch {
    return undefined;
  }
}

function definedOnly(opts: UpgradeOptions): Partial<typeof DEFAULTS> {
  return Object.fromEntries(
    Object.entries({ buildTimeoutMs: opts.buildTimeoutMs, installTimeoutMs: opts.installTimeoutMs }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}
