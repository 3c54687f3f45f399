import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalPlan } from '../../domain/local-plan.js';
import { isTempName, writeFileAtomic } from '../fs/atomic-file.js';
import { planActiveFiles, type ActiveEvent, type ActiveRecord } from '../../domain/node/active-record.js';

export interface HaltFilesResult {
  /** Halt files created or rewritten (their content changed). */
  written: string[];
  /** Halt files of factoryctl's that no longer apply, and temporary files a kill left behind. */
  removed: string[];
  activeCreated: string[];
  activeRemoved: string[];
  /** Files in the halt directory factoryctl did not write (a hand-made halt): kept, reported. */
  foreign: string[];
  /** `.active` files another writer changed (or changed back) since factoryctl last wrote them. */
  external: ActiveEvent[];
}

/**
 * Makes the halt directory and the `.<role>-active` files match the plan. Idempotent: a second
 * call changes nothing. Each write is atomic, and every step leaves a state the next call
 * completes, so a kill -9 anywhere leaves no half-written file. Restrictions go first (halt
 * files written, `.active` removed) and releases after, so an interrupted apply errs on halting.
 */
export function applyHaltFiles(
  plan: Pick<LocalPlan, 'haltDir' | 'haltFiles' | 'activeFiles' | 'inactiveFiles' | 'dirs' | 'activeRecord'>,
  now: number = Date.now(),
): HaltFilesResult {
  const result: HaltFilesResult = {
    written: [],
    removed: [],
    activeCreated: [],
    activeRemoved: [],
    foreign: [],
    external: [],
  };
  for (const dir of [plan.haltDir, ...plan.dirs]) mkdirSync(dir, { recursive: true });

  for (const { path, content } of plan.haltFiles) {
    if (readOr(path) === content) continue;
    writeFileAtomic(path, content);
    result.written.push(path);
  }
  const want = new Map([
    ...plan.inactiveFiles.map((p) => [p, false] as const),
    ...plan.activeFiles.map((p) => [p, true] as const),
  ]);
  const active = planActiveFiles(want, readRecord(plan.activeRecord), existsSync, now);
  result.external = active.events;
  for (const path of active.remove) {
    if (removeIfThere(path)) result.activeRemoved.push(path);
  }
  for (const path of active.create) {
    if (existsSync(path)) continue;
    mkdirSync(join(path, '..'), { recursive: true });
    // Empty: its existence is the signal, and creating an empty file cannot be cut halfway.
    closeSync(openSync(path, 'a'));
    result.activeCreated.push(path);
  }

  const record = `${JSON.stringify(active.record, null, 1)}\n`;
  if (readOr(plan.activeRecord) !== record) writeFileAtomic(plan.activeRecord, record);

  const wanted = new Set(plan.haltFiles.map((f) => f.path));
  for (const name of readdirSync(plan.haltDir).sort()) {
    const path = join(plan.haltDir, name);
    if (wanted.has(path)) continue;
    if (isTempName(name) || isOurs(path)) {
      if (removeIfThere(path)) result.removed.push(path);
    } else {
      result.foreign.push(path);
    }
  }
  return result;
}

/** What factoryctl last wrote to each `.active` file; unreadable or missing: no record yet. */
export function readRecord(path: string): ActiveRecord {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as ActiveRecord) : {};
  } catch {
    return {};
  }
}

/** A halt file factoryctl wrote: JSON with a role and a source. Anything else is a person's. */
function isOurs(path: string): boolean {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && 'role' in parsed && 'source' in parsed;
  } catch {
    return false;
  }
}

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function removeIfThere(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
