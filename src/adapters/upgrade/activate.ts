import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatBuildInfo, type BuildInfo } from '../../domain/build-id.js';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { buildDir, type UpgradeLayout } from './layout.js';

const STUB_MARK = '// factoryctl: active build';

/**
 * dist/cli.js, the file bin/factoryctl.js imports, becomes a one-line loader of the active
 * build, replaced by a single rename: a concurrent `factoryctl gate` loads the old build or the
 * new one, never a mix (each build's chunks are imported relative to its own directory). This
 * works the same on the first switch, from a plain dist/ that `npm run build` made, where
 * swapping a directory for a symlink would need two renames and leave a moment without dist/.
 */
export function stubFor(id: string): string {
  return `${STUB_MARK} ${id}, switched by the self-upgrade (src/adapters/upgrade/self-upgrade.ts)\nimport '../.factoryctl/builds/${id}/cli.js';\n`;
}

/** The gate's single CommonJS file follows the same switch (bin/factoryctl.cjs requires dist/gate.cjs). */
export function gateStubFor(id: string, file = 'gate.cjs'): string {
  return `${STUB_MARK} ${id}\nmodule.exports = require('../.factoryctl/builds/${id}/${file}');\n`;
}

export function isStub(l: UpgradeLayout): boolean {
  try {
    return readFileSync(join(l.dist, 'cli.js'), 'utf8').startsWith(STUB_MARK);
  } catch {
    return false;
  }
}

/**
 * Makes build `to` the active one. The running build, when it is a plain dist/, is first
 * copied under builds/ so that it stays available for rollback like any other.
 * Returns the id kept as the previous build.
 */
export function activate(l: UpgradeLayout, to: BuildInfo, running: BuildInfo | undefined): string | undefined {
  mkdirSync(l.dist, { recursive: true });
  let previous = running?.id;
  if (existsSync(join(l.dist, 'cli.js')) && !isStub(l)) {
    previous ??= 'unidentified';
    if (!existsSync(buildDir(l, previous))) {
      const tmp = join(l.builds, `.work-copy-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      cpSync(l.dist, tmp, { recursive: true });
      renameSync(tmp, buildDir(l, previous));
    }
  } else {
    // The plain build's own files, now two switches old: nothing still running loads them.
    for (const name of [
      'chunks',
      'cli.js.map',
      'gate-parse.cjs',
      'gate-slots.cjs',
      'gate-trust.cjs',
      'config-worker.cjs',
    ])
      rmSync(join(l.dist, name), { recursive: true, force: true });
  }
  writeFileAtomic(join(l.dist, 'gate-early.cjs'), gateStubFor(to.id, 'gate-early.cjs'));
  writeFileAtomic(join(l.dist, 'gate.cjs'), gateStubFor(to.id));
  writeFileAtomic(join(l.dist, 'cli.js'), stubFor(to.id));
  // Written second: a crash in between only makes the next call switch to the same build again.
  writeFileAtomic(join(l.dist, 'BUILD_ID'), formatBuildInfo(to));
  return previous;
}
