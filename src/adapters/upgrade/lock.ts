import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
  at: number;
}

export type LockResult = { acquired: true; release: () => void } | { acquired: false; holder: string };

/**
 * An exclusive lock file (O_EXCL create). A lock is stale when its process is gone (same host) or
 * it is older than `staleAfterMs` (a hung upgrade, or a holder on another host sharing the disk).
 * A stale lock is moved aside and checked to be the one judged stale before it is deleted, so two
 * processes breaking it at once cannot delete the lock a third one has just taken.
 */
export function tryLock(path: string, opts: { staleAfterMs: number; now?: () => number }): LockResult {
  const now = opts.now ?? Date.now;
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner: LockOwner = { pid: process.pid, host: hostname(), nonce: randomUUID(), at: now() };
    if (create(path, owner)) return { acquired: true, release: () => release(path, owner.nonce) };
    const current = read(path);
    if (current === 'missing') continue;
    if (current !== 'torn' && !isStale(current, opts.staleAfterMs, now())) {
      return {
        acquired: false,
        holder: `pid ${current.pid} on ${current.host} since ${new Date(current.at).toISOString()}`,
      };
    }
    breakStale(path, current === 'torn' ? undefined : current.nonce);
  }
  return { acquired: false, holder: 'a lock that keeps changing hands' };
}

function create(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

function read(path: string): LockOwner | 'missing' | 'torn' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 'missing';
  }
  try {
    const value = JSON.parse(text) as LockOwner;
    return typeof value.pid === 'number' && typeof value.nonce === 'string' ? value : 'torn';
  } catch {
    // Either a holder killed between create and write, or one still writing: both are rare
    // enough that treating it as stale beats waiting forever on a lock nobody will release.
    return 'torn';
  }
}

function isStale(owner: LockOwner, staleAfterMs: number, now: number): boolean {
  if (now - owner.at > staleAfterMs) return true;
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function breakStale(path: string, nonce: string | undefined): void {
  const aside = `${path}.stale.${process.pid}.${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = read(aside);
  const wasTheStaleOne = moved === 'torn' ? nonce === undefined : moved !== 'missing' && moved.nonce === nonce;
  // We moved a fresh lock: put it back (link fails rather than replace a lock taken meanwhile).
  if (!wasTheStaleOne)
    try {
      linkSync(aside, path);
    } catch {
      // its holder's release will find someone else's lock and leave it alone
    }
  unlinkSync(aside);
}

function release(path: string, nonce: string): void {
  const current = read(path);
  if (current !== 'missing' && current !== 'torn' && current.nonce === nonce) unlinkSync(path);
}
