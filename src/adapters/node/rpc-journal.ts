import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
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
