import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { inConfigWorker } from './config-worker.js';
import { clonePrivateDir } from '../git/pull.js';
import { runGit } from '../git/run-git.js';
import { SCHEDULE_FILE, type NodeConfigView } from './node-config-view.js';

export type { NodeConfigView } from './node-config-view.js';

export type LoadedNodeConfig =
  | { ok: true; config: NodeConfigView; key: string; problems: string[]; stale: boolean; cached: boolean }
  | { ok: false; key: string; problems: string[] };

/** The last good config and the key of the files it was read from. */
interface CacheEntry {
  key: string;
  config: NodeConfigView;
}

const cacheFile = (dir: string) => join(clonePrivateDir(dir), 'node-last-good.json');

/**
 * The node's config. When the files are those the last good config was read from (same key),
 * that JSON is the answer and no YAML nor zod is loaded; otherwise they are parsed in a
 * short-lived worker thread (src/adapters/control-repo/node-config-parse.ts), so the daemon never keeps
 * either library resident. An invalid factory.yaml or repos/ returns the last good config with
 * the problems (stale); an invalid schedule.yaml keeps the last good intervals.
 */
export async function loadNodeConfig(dir: string, lastGood?: NodeConfigView): Promise<LoadedNodeConfig> {
  const key = await configKey(dir);
  const cached = readCache(dir);
  if (cached && cached.key === key) return { ok: true, config: cached.config, key, problems: [], stale: false, cached: true };
  const previous = lastGood ?? cached?.config;
  const parsed = await inConfigWorker({ kind: 'node-config', dir, ...(previous ? { previous } : {}) });
  if (!parsed.ok) return { ok: false, key, problems: parsed.problems };
  // Only a clean read is keyed: a stale or partly invalid one must be reported again after a restart.
  if (!parsed.stale && parsed.problems.length === 0) writeFileAtomic(cacheFile(dir), JSON.stringify({ key, config: parsed.config } satisfies CacheEntry));
  return { ...parsed, key, cached: false };
}

/**
 * Changes when anything the config is made of may have changed: the commit checked out, or a
 * file edited in place (a purely local control repo has no pull to tell us). Cheap: one git
 * call and a few stats, so the node can ask every pull period without parsing YAML.
 */
export async function configKey(dir: string): Promise<string> {
  const head = await runGit(dir, ['rev-parse', '--quiet', '--verify', 'HEAD']);
  const stamp = (path: string) => {
    try {
      const s = statSync(join(dir, path));
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  // Every file under repos/: an editor that writes in place leaves the folders' mtimes alone.
  const listed = (folder: string): string[] => {
    try {
      return readdirSync(join(dir, folder), { withFileTypes: true })
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .flatMap((e) => (e.isDirectory() ? listed(join(folder, e.name)) : [`${join(folder, e.name)}=${stamp(join(folder, e.name))}`]));
    } catch {
      return [];
    }
  };
  return [head.stdout.trim(), stamp('factory.yaml'), stamp(SCHEDULE_FILE), stamp('repos'), ...listed('repos')].join('|');
}

function readCache(dir: string): CacheEntry | undefined {
  try {
    const parsed = JSON.parse(readFileSync(cacheFile(dir), 'utf8')) as Partial<CacheEntry> & Partial<NodeConfigView>;
    if (parsed.key !== undefined && parsed.config) return { key: parsed.key, config: parsed.config };
    // Written by an older build: the config alone, good as a fallback, never as a hit.
    return parsed.factory ? { key: '', config: parsed as NodeConfigView } : undefined;
  } catch {
    return undefined;
  }
}
