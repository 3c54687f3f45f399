import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, type ConfigProblem } from '../../errors.js';
import { CONTROL_FILES, type ControlView, type ViewParts } from '../../domain/control-view.js';
import { scanAssignedSlots } from '../../domain/placement/assignments-scan.js';
import type { PartResult } from './view-parse.js';
import { answerLastGood, lastGoodRecord, readLastGood, writeLastGood } from './last-good.js';
import { privatePath } from './private-dir.js';

export interface LoadedView {
  view: ControlView;
  /** Set when some files on disk are invalid and their last good version is used instead. */
  invalid?: ConfigError;
}

type Part = keyof ViewParts;
/** Parses one control file on a cache miss; the node daemon passes one that runs in a worker thread. */
export type ViewPartParser = (part: Part, text: string | undefined) => Promise<PartResult<Part>>;

const parseHere: ViewPartParser = async (part, text) => (await import('./view-parse.js')).parseViewPart(part, text);

/**
 * Reads the control files from the work tree and returns the gate's view of them. Each file's
 * parsed part is a last-good record keyed by its file's whole text (exact, and cheaper than
 * loading node:crypto to hash a few KB), so the hot path parses no YAML and loads no schema
 * library when nothing changed; an invalid file falls back to its own last good version, so a
 * broken push never turns every agent's gate into an error nor hides the other files' news.
 * assignments.yaml as the supervisor writes it is read by a line scan (assignments-scan.ts).
 */
export async function loadControlView(dir: string, parse: ViewPartParser = parseHere): Promise<LoadedView> {
  const cacheFile = privatePath(dir, 'viewCache');
  const records = readLastGood(cacheFile);
  const problems: ConfigProblem[] = [];
  let dirty = false;
  const parts = {} as Record<Part, unknown>;
  for (const part of Object.keys(CONTROL_FILES) as Part[]) {
    const text = readOptional(join(dir, CONTROL_FILES[part]));
    // The supervisor's own assignments.yaml is megabytes at scale: its lines are read on every call
    // (faster than a cache keyed by its whole text), kept without a key as the last good version
    // for the day a hand edit the scan gives up on fails the full parse too.
    const scanned = part === 'assignments' && text !== undefined ? scanAssignedSlots(text) : undefined;
    if (scanned) {
      parts[part] = scanned;
      const record = lastGoodRecord(records, part);
      if (!record || record.key !== undefined || !isDeepStrictEqual(record.value, scanned)) {
        records[part] = { value: scanned };
        dirty = true;
      }
      continue;
    }
    const { answer, keep } = await answerLastGood<unknown, ConfigProblem>(
      lastGoodRecord(records, part),
      text ?? '\0missing',
      () => parse(part, text),
    );
    // No last good version to fall back to: the config error is the answer.
    if (!answer.ok) throw new ConfigError(answer.problems);
    problems.push(...answer.problems);
    parts[part] = answer.value;
    if (keep) {
      records[part] = keep;
      dirty = true;
    }
  }
  if (dirty) writeLastGood(cacheFile, records);
  const { factory, overrides, halts, assignments } = parts as ViewParts;
  const view: ControlView = { ...factory, overrides, halts, assignments };
  return problems.length > 0 ? { view, invalid: new ConfigError(problems) } : { view };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
