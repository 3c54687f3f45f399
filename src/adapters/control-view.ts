import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { CONTROL_FILES, type ControlView } from '../domain/control-view.js';
import { clonePrivateDir } from './git/pull.js';

export interface LoadedView {
  view: ControlView;
  /** Set when the files on disk are invalid and the last good view is used instead. */
  invalid?: ConfigError;
}

interface CacheEntry {
  key: string;
  view: ControlView;
}

/**
 * Reads the control files from the work tree and returns the gate's view of them. The parsed
 * view is cached by content hash; invalid files fall back to the last good view, so a broken
 * push never turns every agent's gate into an error.
 */
export async function loadControlView(dir: string): Promise<LoadedView> {
  const texts = {
    factory: readOptional(join(dir, CONTROL_FILES.factory)),
    overrides: readOptional(join(dir, CONTROL_FILES.overrides)),
    halts: readOptional(join(dir, CONTROL_FILES.halts)),
  };
  const key = createHash('sha1').update(JSON.stringify(texts)).digest('hex');
  const cacheFile = join(clonePrivateDir(dir), 'view-cache.json');
  const cached = readJson<CacheEntry>(cacheFile);
  if (cached?.key === key) return { view: cached.view };

  const { parseControlView } = await import('./control-view-parse.js');
  try {
    const view = parseControlView(texts);
    writeAtomic(cacheFile, JSON.stringify({ key, view } satisfies CacheEntry));
    return { view };
  } catch (error) {
    if (!(error instanceof ConfigError) || !cached) throw error;
    return { view: cached.view, invalid: error };
  }
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readJson<T>(path: string): T | undefined {
  const text = readOptional(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined; // a torn cache is just a miss
  }
}

/** Write to a temporary file then rename: a reader sees the old file or the new one, never half of one. */
export function writeAtomic(path: string, content: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
