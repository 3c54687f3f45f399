import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, type ConfigProblem } from '../../errors.js';
import { CONTROL_FILES, type ControlView, type ViewParts } from '../../domain/control-view.js';
import { scanAssignedSlots } from '../../domain/placement/assignments-scan.js';
import type { PartResult } from './view-parse.js';
import { answerLastGood, lastGoodRecord, readLastGood, writeLastGood, type LastGoodRecord } from './last-good.js';
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
 * assignments.yaml is read by a line scan and kept under its stat (readAssignments).
 */
export async function loadControlView(dir: string, parse: ViewPartParser = parseHere): Promise<LoadedView> {
  const cacheFile = privatePath(dir, 'viewCache');
  const records = readLastGood(cacheFile);
  const problems: ConfigProblem[] = [];
  let dirty = false;
  const parts = {} as Record<Part, unknown>;
  for (const part of Object.keys(CONTROL_FILES) as Part[]) {
    const path = join(dir, CONTROL_FILES[part]);
    if (part === 'assignments') {
      const scanned = readAssignments(path, lastGoodRecord(records, part));
      if (scanned?.keep) {
        records[part] = scanned.keep;
        dirty = true;
      }
      if (scanned) {
        parts[part] = scanned.value;
        continue;
      }
    }
    const text = readOptional(path);
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

/**
 * The supervisor's own assignments.yaml is megabytes at scale. It is read by a line scan, and the
 * scan's answer is kept under the file's stat (size, mtime in ns, inode), so an agent poll with
 * nothing new reads no part of it. A stamp is trusted only for a file older than RACY_MS when it
 * was kept (git's "racy clean" rule: a rewrite within the same clock tick could keep size and
 * mtime). undefined: absent, or a hand edit the scan gives up on (the caller parses it).
 */
const RACY_MS = 1000;

function readAssignments(
  path: string,
  record: LastGoodRecord<unknown> | undefined,
): { value: unknown; keep?: LastGoodRecord<unknown> } | undefined {
  let stamp: string;
  let settled: boolean;
  try {
    const st = statSync(path, { bigint: true });
    stamp = `\0stat ${st.size} ${st.mtimeNs} ${st.ino}`;
    settled = Date.now() - Number(st.mtimeNs / 1_000_000n) > RACY_MS;
  } catch {
    return undefined;
  }
  if (record?.key === stamp) return { value: record.value };
  const text = readOptional(path);
  const scanned = text === undefined ? undefined : scanAssignedSlots(text);
  if (!scanned) return undefined;
  const key = settled ? stamp : undefined;
  if (record && record.key === key && isDeepStrictEqual(record.value, scanned)) return { value: scanned };
  return { value: scanned, keep: key === undefined ? { value: scanned } : { key, value: scanned } };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
