import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { join } from 'node:path';
import { ConfigError, type ConfigProblem } from '../../errors.js';
import { CONTROL_FILES, type ControlView, type ViewParts } from '../../domain/control-view.js';
import type { PartResult } from './view-parse.js';
import { clonePrivateDir } from '../git/pull.js';

export interface LoadedView {
  view: ControlView;
  /** Set when some files on disk are invalid and their last good version is used instead. */
  invalid?: ConfigError;
}

type Part = keyof ViewParts;
/** Each part keyed by its file's whole text: exact, and cheaper than loading node:crypto to hash a few KB. */
type Cache = { [P in Part]?: { source: string; value: ViewParts[P] } };
/** Parses one control file on a cache miss; the node daemon passes one that runs in a worker thread. */
export type ViewPartParser = (part: Part, text: string | undefined) => Promise<PartResult<Part>>;

const parseHere: ViewPartParser = async (part, text) => (await import('./view-parse.js')).parseViewPart(part, text);

/**
 * Reads the control files from the work tree and returns the gate's view of them. Each file's
 * parsed part is cached with the text it came from, so the hot path parses no YAML and loads no
 * schema library when nothing changed; an invalid file falls back to its own last good version,
 * so a broken push never turns every agent's gate into an error nor hides the other files' news.
 */
export async function loadControlView(dir: string, parse: ViewPartParser = parseHere): Promise<LoadedView> {
  const cacheFile = join(clonePrivateDir(dir), 'view-cache.json');
  const cache = readJson<Cache>(cacheFile) ?? {};
  const problems: ConfigProblem[] = [];
  let dirty = false;
  const parts = {} as ViewParts;
  for (const part of Object.keys(CONTROL_FILES) as Part[]) {
    const text = readOptional(join(dir, CONTROL_FILES[part]));
    const source = text ?? '\0missing';
    const cached = cache[part];
    if (cached?.source === source) {
      (parts as Record<Part, unknown>)[part] = cached.value;
      continue;
    }
    const parsed = await parse(part, text);
    if (parsed.ok) {
      (parts as Record<Part, unknown>)[part] = parsed.value;
      (cache as Record<Part, unknown>)[part] = { source, value: parsed.value };
      dirty = true;
      continue;
    }
    // No last good version to fall back to: the config error is the answer.
    if (!cached) throw new ConfigError(parsed.problems);
    problems.push(...parsed.problems);
    (parts as Record<Part, unknown>)[part] = cached.value;
  }
  if (dirty) writeFileAtomic(cacheFile, JSON.stringify(cache));
  const view: ControlView = { ...parts.factory, overrides: parts.overrides, halts: parts.halts };
  return problems.length > 0 ? { view, invalid: new ConfigError(problems) } : { view };
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
