/** What the self-upgrade found on disk, read before deciding anything. */
export interface UpgradeObserved {
  /** The id in dist/BUILD_ID; undefined when there is no build or it predates BUILD_ID. */
  running: string | undefined;
  /** The id of the checked-out source (HEAD). */
  head: string;
  /** The last build that failed, with why; it is not tried again while HEAD stays on it. */
  failed: { id: string; reason: string } | undefined;
  /** Complete, self-checked builds under .factoryctl/builds/. */
  built: readonly string[];
}

export type UpgradeStep =
  | { kind: 'current' }
  | { kind: 'known-failure'; reason: string }
  /** The build exists and passed its self-check (an earlier run stopped before switching). */
  | { kind: 'activate' }
  | { kind: 'build' };

export function planUpgrade(o: UpgradeObserved): UpgradeStep {
  if (o.running === o.head) return { kind: 'current' };
  if (o.failed?.id === o.head) return { kind: 'known-failure', reason: o.failed.reason };
  if (o.built.includes(o.head)) return { kind: 'activate' };
  return { kind: 'build' };
}

/** Builds to delete after a switch: all but the active one and the one it replaced (for rollback). */
export function buildsToPrune(built: readonly string[], active: string, previous: string | undefined): string[] {
  return built.filter((id) => id !== active && id !== previous);
}

/**
 * Where the build's node_modules come from. A cached install for this exact lock wins; the
 * control repo's own node_modules is reused when the running build was made from the same lock
 * (the operator's `npm ci` made both); anything else needs a fresh `npm ci`.
 */
export type DepsSource = { kind: 'cached' } | { kind: 'control-dir' } | { kind: 'install' };

export function depsSource(o: {
  lock: string | undefined;
  runningLock: string | undefined;
  cached: boolean;
  controlDirHasModules: boolean;
}): DepsSource {
  if (o.cached) return { kind: 'cached' };
  if (o.controlDirHasModules && o.lock === o.runningLock) return { kind: 'control-dir' };
  return { kind: 'install' };
}

/** Cached installs to delete: those no kept build was made from. */
export function depsToPrune(cached: readonly string[], keptLocks: readonly (string | undefined)[]): string[] {
  return cached.filter((lock) => !keptLocks.includes(lock));
}
