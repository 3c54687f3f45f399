// The supervisor as a daemon: a dynamic sleep until its next wake (tuned interval, alarm poll, time
// alarm), cut short by a webhook or SIGUSR1; transient failures back off, nothing stops the loop.
import { parseDuration } from '../../domain/duration.js';
import { nextWake } from '../../domain/supervisor/next-wake.js';
import { formatSpan } from '../../domain/supervisor/format.js';
import type { Alarm } from '../../domain/config/alarm-schema.js';
import { startWebhookServer, type WebhookServer } from '../../adapters/webhook/server.js';
import { writeSupervisorStats, type SupervisorStats } from '../../adapters/control-repo/supervisor-stats.js';
import { leaseLookAt, leasePolicy, leaseTick } from './lease.js';
import { alarmsDue, describeOutcome, newMemory, runCycle, type SupervisorDeps } from './cycle.js';

export interface LoopOptions {
  listen?: string;
  webhookSecret: string;
  /** resolves when the loop should stop (SIGTERM, SIGINT, a test) */
  stop: Promise<void>;
  /** coalesces a burst of webhooks (Forgejo sends several per push) into one cycle */
  debounceMs?: number;
  onListening?(url: string): void;
}

const BACKOFF_BASE_MS = 5_000;

export async function superviseLoop(deps: SupervisorDeps, opts: LoopOptions): Promise<void> {
  const memory = newMemory();
  let stopped = false;
  let pending: string | undefined;
  let poke: (() => void) | undefined;
  const wake = (why: string) => {
    pending ??= why;
    poke?.();
  };
  const onUsr1 = () => wake('SIGUSR1');
  process.on('SIGUSR1', onUsr1);
  void opts.stop.then(() => {
    stopped = true;
    poke?.();
  });
  let server: WebhookServer | undefined;
  if (opts.listen) {
    if (!opts.webhookSecret) deps.log('warning: no webhook secret (supervisor.webhookSecretEnv): every webhook will be refused');
    server = await startWebhookServer({ listen: opts.listen, secret: opts.webhookSecret, onWake: (why) => wake(why), log: deps.log });
    deps.log(`listening for webhooks on ${server.url}`);
    opts.onListening?.(server.url);
  }

  let fullAt = deps.now();
  let pollAt = Infinity;
  let failures = 0;
  let intervalMs = 60_000;
  let watching = '';
  let stats: SupervisorStats | undefined;
  let leaseAt = Infinity;
  let leading: boolean | undefined;
  const policy = () => leasePolicy(memory.lastGood?.factory.supervisor ?? { lease: { duration: '2m', renewBefore: '1m' } });
  /** Logs each change of role once: a standby says it commits nothing. */
  const logRole = (kind: string, note: string) => {
    const isLeader = kind === 'leader';
    if (kind !== 'solo' && isLeader !== leading) deps.log(isLeader ? `leader: ${note}` : `standby: ${note}; observing only, committing nothing until the lease expires`);
    leading = kind === 'solo' ? undefined : isLeader;
  };
  /** `status` shows the wake this loop will really keep (backoff, alarm polls), not just the plan's. */
  const recordWake = (reason: string) => {
    if (!stats) return;
    const at = Math.min(fullAt, pollAt);
    stats = { ...stats, mode: 'loop', budgets: Object.fromEntries([...memory.httpCache].map(([k, c]) => [k, c.stats().budget])), nextWake: { at, reason: at === fullAt ? reason : 'pending alarms or new ones looked at (supervisor.alarmPoll)' } };
    writeSupervisorStats(deps.dir, stats);
  };
  /**
   * Pending alarms are looked at every alarmPoll. With none pending the control repo alone is
   * pulled (no API call) every 4 polls, to see alarms added meanwhile; a push webhook is instant.
   */
  const pollAfter = (alarms: readonly Alarm[], nextFull: number, now: number): number => {
    const poll = parseDuration(memory.lastGood?.factory.supervisor.alarmPoll ?? '30s');
    const wake = nextWake(Math.max(0, nextFull - now), alarms, poll, now).at;
    return alarms.length > 0 ? wake : Math.min(wake, now + 4 * poll);
  };
  try {
    while (!stopped) {
      let reason = pending;
      pending = undefined;
      const now = deps.now();
      if (reason === undefined && now >= fullAt) reason = `tuned interval of ${formatSpan(intervalMs)}`;
      if (reason === undefined && now >= leaseAt) {
        const lead = await leaseTick(deps.dir, deps.node, deps.now, policy()).catch((e: Error) => ({ kind: 'error' as const, error: e.message }));
        if (lead.kind === 'error') {
          deps.log(`lease: ${lead.error} (transient: looked at again in a few seconds)`);
          leaseAt = deps.now() + BACKOFF_BASE_MS;
        } else {
          if (lead.kind === 'leader' && lead.acquired) reason = `took over the lease: ${lead.note}`;
          if (lead.kind !== 'solo') logRole(lead.kind, lead.note);
          leaseAt = leaseLookAt(lead, policy());
        }
      }
      if (reason === undefined && now >= pollAt) {
        const check = await alarmsDue(deps, memory).catch((e: Error) => ({ error: e.message }));
        if ('error' in check) deps.log(`alarm poll failed (transient, next poll as usual): ${check.error}`);
        else if (check.due.length > 0) reason = `alarm ${check.due.join(', ')} due`;
        if ('alarms' in check) watching = logWatched(deps, watching, check.alarms);
        pollAt = pollAfter('alarms' in check ? check.alarms : [], fullAt, now);
        recordWake(`tuned interval of ${formatSpan(intervalMs)}`);
      }
      if (reason !== undefined) {
        deps.log(`cycle (${reason})`);
        const outcome = await runCycle(deps, memory).catch((e: Error) => ({ kind: 'transient' as const, error: `unexpected: ${e.stack ?? e.message}` }));
        deps.log(describeOutcome(outcome));
        const after = deps.now();
        if (outcome.kind === 'ok') {
          failures = 0;
          for (const note of outcome.notes) deps.log(`note: ${note}`);
          intervalMs = outcome.intervalMs;
          fullAt = after + intervalMs;
          watching = logWatched(deps, watching, outcome.alarms);
          pollAt = pollAfter(outcome.alarms, fullAt, after);
          stats = outcome.stats;
          if (outcome.lead.kind !== 'solo') logRole(outcome.lead.kind, outcome.lead.note);
          leaseAt = leaseLookAt(outcome.lead, policy());
          recordWake(`tuned interval of ${formatSpan(intervalMs)}`);
        } else {
          failures++;
          const backoff = Math.min(intervalMs, BACKOFF_BASE_MS * 2 ** (failures - 1));
          fullAt = after + backoff;
          deps.log(`retrying in ${formatSpan(backoff)} (${failures} failed in a row)`);
          recordWake(`retry after ${failures} failed cycle${failures === 1 ? '' : 's'} (${outcome.kind})`);
        }
      }
      if (pending !== undefined || stopped) continue;
      await sleepUntil(Math.min(fullAt, pollAt, leaseAt), deps.now, (resolve) => (poke = resolve));
      poke = undefined;
      if (pending !== undefined && opts.debounceMs !== 0) await new Promise((r) => setTimeout(r, opts.debounceMs ?? 100));
    }
  } finally {
    process.off('SIGUSR1', onUsr1);
    await server?.close();
  }
}

/** Logs the alarms being watched when the set changes; returns the new set's key. */
function logWatched(deps: SupervisorDeps, before: string, alarms: readonly Alarm[]): string {
  const key = alarms.map((a) => a.id).sort().join(', ');
  if (key !== before) deps.log(alarms.length === 0 ? 'no alarms pending' : `watching ${alarms.length} alarm${alarms.length === 1 ? '' : 's'}: ${key}`);
  return key;
}

/** Sleeps until `at` on the given clock, or until `arm`'s resolver is called. */
function sleepUntil(at: number, now: () => number, arm: (resolve: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, Math.min(at - now(), 2 ** 31 - 1)));
    arm(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
