// The node's look at the supervisor after each good pull: read the state, decide, record, deliver.
import { join } from 'node:path';
import { decideSupervisorWatch, watchNotifications } from '../../domain/alerts/supervisor-watch.js';
import { parseDuration } from '../../domain/duration.js';
import { readWatchState, writeWatchState } from '../../adapters/node/supervisor-watch-file.js';
import { drainOutbox } from '../alerts/outbox.js';
import type { ConfigHolder } from './config-holder.js';
import type { NodeLoopDeps } from './deps.js';
import type { Journal } from './journal.js';

/** A receiver that hangs must not hold the node's pull (it is awaited by --once). */
const DELIVERY_TIMEOUT_MS = 10_000;

export type SupervisorWatcher = (pulledOk: boolean) => Promise<void>;

export function createSupervisorWatcher(deps: NodeLoopDeps, config: ConfigHolder, journal: Journal): SupervisorWatcher {
  return async (pulledOk) => {
    if (!deps.repo.lease) return;
    const file = join(config.settings.paths.stateDir, 'supervisor-watch.json');
    const { alerts, forges } = config.config.factory;
    const now = deps.now();
    let state = readWatchState(file);
    if (pulledOk) {
      const [lease, peerTips] = await Promise.all([deps.repo.lease(), deps.repo.peerTips?.() ?? {}]);
      const bound = parseDuration(alerts.watch.supervisorDownAfter);
      const decision = decideSupervisorWatch(state, lease, bound, deps.node, now, peerTips);
      state = decision.state;
      if (decision.leftTo)
        journal.note('supervisor-down', `firing: paged by node ${decision.leftTo}, alive and first by name`);
      if (decision.raised) {
        journal.note('supervisor-down', `${decision.raised.status}: ${decision.raised.summary}`);
        state.outbox = [...state.outbox, ...watchNotifications(decision.raised, alerts, deps.node, now)];
      }
      // Recorded before sending: a crash while sending retries the outbox, it never raises the alert again.
      writeWatchState(file, state);
    }
    if (!state || state.outbox.length === 0) return;
    const notify = { env: deps.env, timeoutMs: DELIVERY_TIMEOUT_MS, forges };
    writeWatchState(file, { ...state, outbox: await drainOutbox(state.outbox, alerts, notify, now) });
  };
}
