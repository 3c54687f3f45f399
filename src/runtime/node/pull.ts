import { pullStep } from '../../domain/node/pull-schedule.js';
import type { PullOutcome } from '../../adapters/git/pull.js';
import type { ConfigHolder } from './config-holder.js';
import type { NodeLoopDeps } from './deps.js';
import type { Journal } from './journal.js';

export interface Puller {
  /** Pulls, re-reads the config, retries the telemetry push and upgrades when due; not awaited by the loop. */
  maybePull(force?: boolean): Promise<void>;
  /** A pull that starts after this call (one in flight may predate what the caller waits for), and its outcome. */
  pullNow(): Promise<PullOutcome | undefined>;
  /** Set once a new build was switched to: the loop ends and the process restarts on it. */
  readonly upgraded: boolean;
}

export function createPuller(
  deps: NodeLoopDeps,
  hasRemote: boolean,
  config: ConfigHolder,
  journal: Journal,
  retryPush: () => void,
  afterPull: (ok: boolean) => Promise<void> = async () => undefined,
): Puller {
  let pulling: Promise<void> | undefined;
  let lastPullAt = 0;
  let upgraded = false;
  let lastOutcome: PullOutcome | undefined;

  /** Upgrades ride on Git: a pull that brings new factoryctl source is built, checked, switched to. */
  const upgrade = async () => {
    if (!deps.repo.upgrade) return;
    const result = await deps.repo.upgrade();
    if (result.status === 'failed' && !result.cached)
      journal.note('upgrade-failed', `kept build ${result.from ?? '(none)'}: ${result.reason}`);
    if (result.status === 'upgraded') {
      journal.note('upgraded', `switched from build ${result.from ?? '(none)'} to ${result.to}`);
      upgraded = true;
    }
  };

  const pull = async () => {
    if (hasRemote) {
      const outcome = await deps.repo.pull(config.settings.pullTimeoutMs);
      lastOutcome = outcome;
      journal.report('pull', outcome.ok ? undefined : `pull failed, applying the last pulled config: ${outcome.error}`);
    }
    await config.reload(false);
    retryPush();
    await afterPull(hasRemote && lastOutcome?.ok === true).catch((e: Error) => deps.log(`watch: ${e.message}`));
    await upgrade();
  };

  const puller: Puller = {
    maybePull(force = false) {
      const step = pullStep({ now: deps.now(), lastPullAt, force, running: pulling !== undefined });
      if (step === 'join') return pulling!;
      if (step === 'skip') return Promise.resolve();
      lastPullAt = deps.now();
      pulling = pull()
        .catch((error: Error) => deps.log(`pull: ${error.message}`))
        .finally(() => (pulling = undefined));
      return pulling;
    },
    async pullNow() {
      if (pulling) await pulling;
      lastOutcome = undefined;
      await puller.maybePull(true);
      return lastOutcome;
    },
    get upgraded() {
      return upgraded;
    },
  };
  return puller;
}
