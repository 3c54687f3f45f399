// The daemon's side of `node rpc sync`: a kick (KICK_SIGNAL) ends the loop's sleep; the loop then
// pulls (a pull started after the request, not one in flight), runs its cycle and answers every
// request that was waiting before the pull. The request files, not the signal, say what is owed.
import { announceKicks, answerSyncRequests, KICK_SIGNAL, pendingSyncRequests } from '../../adapters/node/sync-inbox.js';
import type { CycleReport, NodeDaemon } from './daemon.js';

export interface KickListener {
  /** A kick came (or requests wait) since the last take: serve them now. */
  take(): boolean;
  /** Whether one is waiting, without taking it: the loop does not sleep then. */
  waiting(): boolean;
  /** After a regular cycle: requests whose kick was lost are served on the next pass. */
  recheck(): void;
  close(): void;
}

export function listenForKicks(daemon: NodeDaemon, wake: () => void): KickListener {
  const paths = daemon.paths;
  const unannounce = announceKicks(paths);
  // Requests left from before a restart (an upgrade mid-sync) are owed too.
  let kicked = pendingSyncRequests(paths).length > 0;
  const onKick = () => {
    kicked = true;
    wake();
  };
  process.on(KICK_SIGNAL, onKick);
  return {
    take() {
      const was = kicked;
      kicked = false;
      return was;
    },
    waiting: () => kicked,
    recheck() {
      if (pendingSyncRequests(paths).length > 0) kicked = true;
    },
    close() {
      process.off(KICK_SIGNAL, onKick);
      unannounce();
    },
  };
}

/** Pull, cycle, answer; undefined when nobody was waiting (a stray signal). */
export async function serveKicks(daemon: NodeDaemon): Promise<CycleReport | undefined> {
  const ids = pendingSyncRequests(daemon.paths);
  if (ids.length === 0) return undefined;
  const pulled = await daemon.pullNow();
  const report = await daemon.cycle();
  answerSyncRequests(daemon.paths, ids, {
    ok: pulled === undefined || pulled.ok,
    pull: pulled ?? { ok: true, note: 'no remote: nothing to pull' },
    level: report.level,
    halted: report.halted,
    reason: report.reason,
    problems: report.problems,
    pid: process.pid,
  });
  return report;
}
