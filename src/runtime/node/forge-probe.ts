// The node's forge probes, in the background: a round is started after a cycle when one is due and
// none is in flight; the next cycle reads the last round that finished. A cycle never waits for one.
import {
  FORGE_PROBE_TIMEOUT_MS,
  forgeTargets,
  probeDue,
  type ForgeProbeResult,
  type ForgeProbeRound,
} from '../../domain/node/forge-probe.js';
import type { ConfigHolder } from './config-holder.js';
import type { NodeLoopDeps } from './deps.js';

export interface ForgeProber {
  /** Starts a round when one is due; resolves when the round in flight (if any) has finished. Never rejects. */
  kick(): Promise<void>;
  /** The last round that finished (undefined: none yet). */
  latest(): ForgeProbeRound | undefined;
  /** Probes run in this process: a probe is wired and the loop (or `--once`, beside its pull) has kicked one. */
  active(): boolean;
  /** Aborts the round in flight (at shutdown). */
  close(): void;
}

export function createForgeProber(deps: NodeLoopDeps, config: ConfigHolder): ForgeProber {
  let last: ForgeProbeRound | undefined;
  let startedAt: number | undefined;
  let inFlight: Promise<void> | undefined;
  let abort: AbortController | undefined;
  let kicked = false;
  const probe = deps.forge?.probe;

  const round = async (): Promise<void> => {
    const targets = forgeTargets(config.config.factory, config.config.repos, (name) => !!deps.env[name]);
    const controller = new AbortController();
    abort = controller;
    // The probe bounds itself; this bound also holds for a probe that ignores its own.
    const bound = AbortSignal.any([controller.signal, AbortSignal.timeout(FORGE_PROBE_TIMEOUT_MS + 1_000)]);
    const results = await Promise.all(
      targets.map(async (t): Promise<ForgeProbeResult> => {
        const outcome = await probe!(t.url, deps.env[t.tokenEnv]!, bound).catch((error: Error) => ({
          ok: false as const,
          error: error.message,
        }));
        return outcome.ok ? { url: t.url, ok: true } : { url: t.url, ok: false, error: outcome.error };
      }),
    );
    if (!controller.signal.aborted) last = { at: deps.now(), results };
  };

  return {
    kick() {
      if (!probe) return Promise.resolve();
      kicked = true;
      const now = deps.now();
      if (probeDue(startedAt, inFlight !== undefined, now)) {
        startedAt = now;
        inFlight = round()
          .catch((error: Error) => deps.log(`forge probe failed: ${error.message}`))
          .finally(() => {
            inFlight = undefined;
            abort = undefined;
          });
      }
      return inFlight ?? Promise.resolve();
    },
    latest: () => last,
    active: () => kicked,
    close: () => abort?.abort(),
  };
}
