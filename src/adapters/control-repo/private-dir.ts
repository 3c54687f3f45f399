// factoryctl's own bookkeeping in a clone, .git/factoryctl/ (never committed, never pushed): the
// one owner of that folder and the table of its files; every reader and writer asks here.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_FILES = {
  /** the gate's last good control view, a record per control file (control-repo/view.ts) */
  viewCache: 'view-cache.json',
  /** the node daemon's last good config (control-repo/node-config.ts) */
  nodeLastGood: 'node-last-good.json',
  /** the supervisor's last good config (control-repo/supervisor-config.ts) */
  supervisorLastGood: 'supervisor-last-good.json',
  /** the supervisor's figures for `status` (control-repo/supervisor-stats.ts) */
  supervisorStats: 'supervisor-stats.json',
  /** since when, on the supervisor's monotonic clock, control/lease has been at the sha it last saw (control-repo/lease-watch.ts) */
  leaseWatch: 'lease-watch.json',
  /** every request `factoryctl node rpc` got over SSH, refused ones with why (adapters/node/rpc-journal.ts) */
  rpcJournal: 'rpc-journal.jsonl',
  /** how far into rpcJournal the node daemon has told its telemetry journal (a byte offset) */
  rpcJournalSeen: 'rpc-journal.seen',
  /** the newest trusted commit of main, the head and why it is not trusted (control-repo/trust-state.ts) */
  trustState: 'trust.json',
  /** the key fingerprints the trust root must be signed by (domain/trust/trust-root.ts; factoryctl trust pin) */
  trustRoot: 'trust-root',
  /** the allowed signers of the newest trusted commit, as a file for git verify-commit (control-repo/trust-advance.ts) */
  trustedSigners: 'allowed_signers.trusted',
  /** the allowed signers telemetry tips are checked against, as a file for git (telemetry/tip-signatures.ts) */
  telemetrySigners: 'allowed_signers.telemetry',
  /** its mtime is the last good sync with the remote (a pull, or a push of ours) */
  lastSync: 'last-sync',
} as const;
export type PrivateFile = keyof typeof PRIVATE_FILES;

export function privateDir(dir: string): string {
  return join(dir, '.git', 'factoryctl');
}

export function privatePath(dir: string, file: PrivateFile): string {
  return join(privateDir(dir), PRIVATE_FILES[file]);
}

export function stampSync(dir: string, at: number): void {
  mkdirSync(privateDir(dir), { recursive: true });
  writeFileSync(privatePath(dir, 'lastSync'), `${new Date(at).toISOString()}\n`);
}

/** Time of the last good sync with the remote, or undefined if it never happened. */
export function lastSyncAt(dir: string): number | undefined {
  try {
    return statSync(privatePath(dir, 'lastSync')).mtimeMs;
  } catch {
    return undefined;
  }
}
