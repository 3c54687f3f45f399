import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { privateDir, privatePath } from '../control-repo/private-dir.js';

export interface RpcJournalEntry {
  at: string;
  /** The request as sent, shown bounded and escaped (printable), never replayed. */
  request: string;
  code: number;
  outcome: 'done' | 'refused' | 'failed';
  reason?: string;
  /** SSH_CLIENT's address, when it came over SSH. */
  from?: string;
}

/** Bounded: past this the file is moved to `.1` (one generation kept) and a new one started. */
const MAX_BYTES = 512 * 1024;

/** One JSON line per request, in the clone's private folder: the operator's record of what the key asked. */
export function appendRpcJournal(dir: string, entry: RpcJournalEntry): void {
  const path = privatePath(dir, 'rpcJournal');
  mkdirSync(privateDir(dir), { recursive: true });
  try {
    if (statSync(path).size > MAX_BYTES) renameSync(path, `${path}.1`);
  } catch {
    // no journal yet
  }
  appendFileSync(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}

/** At most this much of the journal is read per cycle: a flood of refusals is summed up, not replayed. */
const READ_MAX = 64 * 1024;

/**
 * The entries appended since the daemon last asked (its offset kept beside the journal, so cron's
 * `--once` runs carry on where the last one stopped). A journal moved to `.1` starts again at 0.
 */
export function takeNewRpcEntries(dir: string): RpcJournalEntry[] {
  const path = privatePath(dir, 'rpcJournal');
  const seenPath = privatePath(dir, 'rpcJournalSeen');
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return [];
  }
  let seen = Number(readOr(seenPath).trim()) || 0;
  if (seen > size) seen = 0;
  if (seen === size) return [];
  const from = Math.max(seen, size - READ_MAX);
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(size - from);
  try {
    readSync(fd, buffer, 0, buffer.length, from);
  } finally {
    closeSync(fd);
  }
  writeFileSync(seenPath, `${size}\n`);
  return buffer
    .toString('utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as RpcJournalEntry;
        return typeof entry.request === 'string' && typeof entry.code === 'number' ? [entry] : [];
      } catch {
        return []; // the first line cut by READ_MAX, or a torn last one
      }
    });
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
