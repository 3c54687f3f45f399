import { acquireNodeLock } from '../../adapters/node/node-lock.js';
import { runFiles } from '../../adapters/node/run-records.js';
import { awaitSyncAnswer, KICK_SIGNAL, postSyncRequest, takesKicks } from '../../adapters/node/sync-inbox.js';
import { cliPath } from '../../adapters/process/cli-path.js';
import { createNodeDaemon } from './daemon.js';
import { realNodeDeps } from './real-deps.js';
import type { RpcContext, RpcNode } from './rpc-node.js';

/** How long `sync` waits for the cycle after its pull: three pulls at most (one in flight, ours, a retry) and the cycle. */
export const SYNC_BOUND_MS = 60_000;

export type SyncAnswer = { code: 0 | 75; json: Record<string, unknown> };

/**
 * Pull the control repo and apply it now. A running daemon is kicked and answers once the cycle
 * after a pull it started for us is applied; with none (cron mode), this process runs that one
 * cycle itself, holding the node lock as `node --once` does. A lock held by a process that takes
 * no kicks (a `--once` run, an older build) is waited for, within the bound.
 */
export async function rpcSync(ctx: RpcContext, node: RpcNode, boundMs = SYNC_BOUND_MS): Promise<SyncAnswer> {
  const paths = node.settings.paths;
  const deadline = Date.now() + boundMs;
  for (;;) {
    const lock = acquireNodeLock(runFiles(paths).lock);
    if (lock.ok) {
      try {
        return { code: 0, json: await oneShot(ctx) };
      } finally {
        lock.release();
      }
    }
    if (takesKicks(paths, lock.holder)) {
      const id = postSyncRequest(paths);
      try {
        process.kill(lock.holder, KICK_SIGNAL);
      } catch {
        // gone since: its successor serves the request file, or the bound says so
      }
      const answer = (await awaitSyncAnswer(paths, id, Math.max(0, deadline - Date.now()))) as
        Record<string, unknown> | undefined;
      if (answer === undefined) return timedOut(boundMs, lock.holder);
      return { code: answer.ok === false ? 75 : 0, json: { ...answer, by: 'daemon' } };
    }
    if (Date.now() >= deadline) return timedOut(boundMs, lock.holder);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function timedOut(boundMs: number, holder: number): SyncAnswer {
  return {
    code: 75,
    json: {
      ok: false,
      error: `the node daemon (pid ${holder}) did not apply a pull within ${boundMs / 1000} s; it still pulls every 30 s`,
    },
  };
}

/** `node --once` without the self-upgrade (the next run of the daemon or cron does that, not an SSH call). */
async function oneShot(ctx: RpcContext): Promise<Record<string, unknown>> {
  const daemon = createNodeDaemon(
    realNodeDeps({
      dir: ctx.dir,
      node: ctx.node,
      env: ctx.env,
      now: ctx.now,
      log: ctx.log,
      cron: { nodeBin: process.execPath, cli: cliPath() },
      selfUpgrade: false,
    }),
  );
  await daemon.start();
  await daemon.restore();
  const pulled = await daemon.pullNow();
  const report = await daemon.cycle();
  await daemon.settle();
  await daemon.flush();
  return {
    ok: pulled === undefined || pulled.ok,
    by: 'one-shot',
    pull: pulled ?? { ok: true, note: 'no remote: nothing to pull' },
    level: report.level,
    halted: report.halted,
    reason: report.reason,
    problems: report.problems,
  };
}
