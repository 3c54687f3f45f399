// The one last-good mechanism (gate view, node config, supervisor config): a JSON file of named
// records, each a value that parsed cleanly and the key (the content, or a stamp of it) it came
// from. A matching key answers without parsing; a failed parse answers with the last good value
// and the problems, so a bad push never stops a loop nor hides what is wrong.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic-file.js';

export interface LastGoodRecord<T> {
  /** absent: a fallback, never a hit (a caller with no cheap key, or a record of an older build) */
  key?: string;
  value: T;
}
/** A last-good file as read: records by name, each checked when it is taken (lastGoodRecord). */
export type LastGoodRecords = Record<string, unknown>;

/** A parse: clean (kept), usable with problems (answered, not kept), or failed. */
export type Parsed<T, P> = { ok: true; value: T; problems?: P[] } | { ok: false; problems: P[] };
export type LastGoodAnswer<T, P> =
  { ok: true; value: T; cached: boolean; stale: boolean; problems: P[] } | { ok: false; problems: P[] };

/** The records of a last-good file; a missing, torn or foreign file is none. */
export function readLastGood(path: string): LastGoodRecords {
  try {
    const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isObject(json) ? json : {};
  } catch {
    return {};
  }
}

/** One record of the file; a foreign entry is none, one without a key a fallback only. */
export function lastGoodRecord<T>(records: LastGoodRecords, name: string): LastGoodRecord<T> | undefined {
  const r = records[name];
  if (!isObject(r) || !('value' in r)) return undefined;
  return typeof r.key === 'string' ? { key: r.key, value: r.value as T } : { value: r.value as T };
}

export function writeLastGood(path: string, records: LastGoodRecords): void {
  writeFileAtomic(path, JSON.stringify(records));
}

/**
 * One record's answer, and the record to keep when the parse was clean. `parse` gets the last
 * good value (`fallback`, else the record's), the one answered if it fails.
 */
export async function answerLastGood<T, P>(
  record: LastGoodRecord<T> | undefined,
  key: string | undefined,
  parse: (lastGood: T | undefined) => Parsed<T, P> | Promise<Parsed<T, P>>,
  fallback: T | undefined = record?.value,
): Promise<{ answer: LastGoodAnswer<T, P>; keep?: LastGoodRecord<T> }> {
  if (record && key !== undefined && record.key === key)
    return { answer: { ok: true, value: record.value, cached: true, stale: false, problems: [] } };
  const parsed = await parse(fallback);
  if (parsed.ok) {
    const problems = parsed.problems ?? [];
    const answer = { ok: true as const, value: parsed.value, cached: false, stale: false, problems };
    // Only a clean parse is kept: a partly invalid one must be reported again after a restart.
    return problems.length > 0
      ? { answer }
      : { answer, keep: key === undefined ? { value: parsed.value } : { key, value: parsed.value } };
  }
  if (fallback === undefined) return { answer: { ok: false, problems: parsed.problems } };
  return { answer: { ok: true, value: fallback, cached: false, stale: true, problems: parsed.problems } };
}

/** answerLastGood for a file holding the one record `name`, read and kept in place. */
export async function lastGoodInFile<T, P>(
  path: string,
  name: string,
  key: string | undefined,
  parse: (lastGood: T | undefined) => Parsed<T, P> | Promise<Parsed<T, P>>,
  fallback?: T,
): Promise<LastGoodAnswer<T, P>> {
  const records = readLastGood(path);
  const record = lastGoodRecord<T>(records, name);
  const { answer, keep } = await answerLastGood(record, key, parse, fallback ?? record?.value);
  if (keep) writeLastGood(path, { ...records, [name]: keep });
  return answer;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
