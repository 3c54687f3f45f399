import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBuildInfo, type BuildInfo } from '../../domain/build-id.js';

/** Where the self-upgrade keeps its builds, its cached installs and its records, all in the clone. */
export interface UpgradeLayout {
  controlDir: string;
  dist: string;
  builds: string;
  deps: string;
  lock: string;
  failed: string;
}

export function upgradeLayout(controlDir: string): UpgradeLayout {
  const root = join(controlDir, '.factoryctl');
  return {
    controlDir,
    dist: join(controlDir, 'dist'),
    builds: join(root, 'builds'),
    deps: join(root, 'deps'),
    lock: join(root, 'upgrade.lock'),
    failed: join(root, 'upgrade-failed.json'),
  };
}

export const buildDir = (l: UpgradeLayout, id: string) => join(l.builds, id);
export const depsModules = (l: UpgradeLayout, lock: string) => join(l.deps, lock, 'node_modules');

/** Complete builds only: work in progress lives in dot-directories, renamed into place when checked. */
export function listBuilt(l: UpgradeLayout): string[] {
  return listDir(l.builds).filter((name) => !name.startsWith('.') && existsSync(join(l.builds, name, 'cli.js')));
}

export function listCachedDeps(l: UpgradeLayout): string[] {
  return listDir(l.deps).filter((name) => !name.startsWith('.'));
}

/** The build bin/factoryctl.js runs now, as dist/BUILD_ID says; undefined when there is none. */
export function readRunning(l: UpgradeLayout): BuildInfo | undefined {
  if (!existsSync(join(l.dist, 'cli.js'))) return undefined;
  return readInfo(join(l.dist, 'BUILD_ID'));
}

export function readInfo(path: string): BuildInfo | undefined {
  try {
    return parseBuildInfo(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
