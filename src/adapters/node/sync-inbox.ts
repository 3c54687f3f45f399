// How `node rpc sync` reaches a running node daemon: a request file in <runDir>/rpc/sync/, then
// SIGUSR2 to the daemon holding the node lock; the daemon answers in <id>.done once the cycle
// after its pull is applied. The file is the request (a signal only wakes), so a kick that
// arrives mid-cycle, or while the daemon restarts, is still served.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodePaths } from '../../domain/node-paths.js';
import { writeFileAtomic } from '../fs/atomic-file.js';

export const KICK_SIGNAL = 'SIGUSR2';
const rpcDir = (paths: NodePaths) => join(paths.runDir, 'rpc');
const inbox = (paths: NodePaths) => join(rpcDir(paths), 'sync');
/** Written by a daemon that handles KICK_SIGNAL: an older build would die of it instead. */
const kickFile = (paths: NodePaths) => join(rpcDir(paths), 'kick.json');
/** Answers nobody collected (the asker gave up) are removed after this. */
const STALE_ANSWER_MS = 10 * 60_000;

export function announceKicks(paths: NodePaths): () => void {
  mkdirSync(inbox(paths), { recursive: true });
  const me = { pid: process.pid, start: startTime(process.pid) };
  writeFileAtomic(kickFile(paths), `${JSON.stringify(me)}\n`);
  return () => {
    if (readKick(paths)?.pid === me.pid) rmSync(kickFile(paths), { force: true });
  };
}

/** Whether `pid` (the node lock's holder) is the daemon that announced it takes kicks, and not a pid reused since. */
export function takesKicks(paths: NodePaths, pid: number): boolean {
  const kick = readKick(paths);
  return kick !== undefined && kick.pid === pid && kick.start !== undefined && kick.start === startTime(pid);
}

export function postSyncRequest(paths: NodePaths): string {
  mkdirSync(inbox(paths), { recursive: true });
  const id = `${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(join(inbox(paths), id), '');
  return id;
}

export function pendingSyncRequests(paths: NodePaths): string[] {
  try {
    return readdirSync(inbox(paths)).filter((n) => /^[\w-]+$/.test(n));
  } catch {
    return [];
  }
}

export function answerSyncRequests(paths: NodePaths, ids: readonly string[], answer: unknown): void {
  for (const id of ids) {
    writeFileAtomic(join(inbox(paths), `${id}.done`), `${JSON.stringify(answer)}\n`);
    rmSync(join(inbox(paths), id), { force: true });
  }
  for (const name of safeList(inbox(paths)))
    if (name.endsWith('.done') && Date.now() - mtime(join(inbox(paths), name)) > STALE_ANSWER_MS)
      rmSync(join(inbox(paths), name), { force: true });
}

/** The daemon's answer, or undefined when `boundMs` passed first (the request is then withdrawn). */
export async function awaitSyncAnswer(
  paths: NodePaths,
  id: string,
  boundMs: number,
  keepWaiting: () => boolean = () => true,
): Promise<unknown> {
  const done = join(inbox(paths), `${id}.done`);
  const deadline = Date.now() + boundMs;
  for (;;) {
    try {
      const answer: unknown = JSON.parse(readFileSync(done, 'utf8'));
      rmSync(done, { force: true });
      return answer;
    } catch {
      // not answered yet (or being written: the atomic rename makes it whole when it appears)
    }
    if (Date.now() >= deadline || !keepWaiting()) {
      rmSync(join(inbox(paths), id), { force: true });
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function readKick(paths: NodePaths): { pid: number; start?: string } | undefined {
  try {
    const v = JSON.parse(readFileSync(kickFile(paths), 'utf8')) as { pid?: unknown; start?: unknown };
    return typeof v.pid === 'number'
      ? { pid: v.pid, ...(typeof v.start === 'string' ? { start: v.start } : {}) }
      : undefined;
  } catch {
    return undefined;
  }
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** The live process named in the node lock, and whether it takes kicks; undefined: no daemon holds it. */
export function lockHolder(paths: NodePaths, lockPath: string): { pid: number; takesKicks: boolean } | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(lockPath, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || startTime(pid) === undefined) return undefined;
  return { pid, takesKicks: takesKicks(paths, pid) };
}
