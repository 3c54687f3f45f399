// The run dir's exits/ directory: one JSON file per slot, written by the gate after each run it
// started, read by the node each cycle (domain/node/exit-streak.ts says what they mean).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nextExitRecord, readExitRecord, type ExitRecord } from '../../domain/node/exit-streak.js';
import { exitsDir } from '../../domain/node-paths.js';
import { isTempName, writeFileAtomic } from '../fs/atomic-file.js';

const fileOf = (runDir: string, slot: string) => join(exitsDir(runDir), `${slot.replace(/\//g, '_')}.json`);

function readOne(path: string): ExitRecord | undefined {
  try {
    return readExitRecord(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Counts one run's exit. Two runs of one slot ending at the same instant may lose one count to each
 * other (read, then replace): a streak is a hint for an alert, not a ledger, and no lock is worth it.
 */
export function recordExit(runDir: string, slot: string, code: number, now: number): ExitRecord {
  const path = fileOf(runDir, slot);
  const next = nextExitRecord(readOne(path), slot, code, now);
  writeFileAtomic(path, `${JSON.stringify(next)}\n`);
  return next;
}

/** Every slot's record; none when the directory is missing. */
export function readExitRecords(runDir: string): ExitRecord[] {
  let names: string[];
  try {
    names = readdirSync(exitsDir(runDir));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json') && !isTempName(n))
    .flatMap((n) => readOne(join(exitsDir(runDir), n)) ?? []);
}
