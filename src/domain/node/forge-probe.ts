// The node's own look at the forges its repositories use: which to probe, when, and what the
// decision says of them. Pure: the probe itself (GET /api/v1/version) is adapters/forge/version-probe.ts.
import type { FactoryConfig } from '../config/factory-schema.js';
import type { NodeDecision } from '../config/state-schema.js';
import type { JournalEvent } from '../node-cycle.js';

/** A probe round starts at most this often. */
export const FORGE_PROBE_INTERVAL_MS = 30_000;
/** Each probe gives up after this long: a hung forge is a failing forge. */
export const FORGE_PROBE_TIMEOUT_MS = 5_000;

export type ForgeState = NonNullable<NodeDecision['forge']>;

/** One forge to probe: its base URL and the variable holding the token the node's agents use for it. */
export interface ForgeTarget {
  url: string;
  tokenEnv: string;
}

export interface ForgeProbeResult {
  url: string;
  ok: boolean;
  /** why not, when not ok (no token value, ever) */
  error?: string;
}

/** A finished probe round: when it ended, and each target's answer (none: nothing to probe). */
export interface ForgeProbeRound {
  at: number;
  results: readonly ForgeProbeResult[];
}

const baseUrl = (url: string) => url.replace(/\/+$/, '');

/**
 * The forges the repositories use, each once by URL (a forge named twice in factory.yaml is one
 * server), with the first token variable set on this node among the repositories that use it
 * (a repository's own tokenEnv, else the forge's). A forge no token is set for here is not probed:
 * this node's agents cannot talk to it either way. In URL order, so a decision reads the same every time.
 */
export function forgeTargets(
  factory: Pick<FactoryConfig, 'forges'>,
  repos: readonly { config: { forge: string; tokenEnv?: string | undefined } }[],
  isSet: (envName: string) => boolean,
): ForgeTarget[] {
  const byUrl = new Map<string, ForgeTarget>();
  for (const repo of repos) {
    const forge = factory.forges[repo.config.forge];
    if (!forge) continue;
    const url = baseUrl(forge.url);
    const tokenEnv = repo.config.tokenEnv ?? forge.tokenEnv;
    if (!byUrl.has(url) && isSet(tokenEnv)) byUrl.set(url, { url, tokenEnv });
  }
  return [...byUrl.values()].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

/** A new round may start: none in flight, and the last one started at least the interval ago. */
export function probeDue(lastStartedAt: number | undefined, inFlight: boolean, now: number): boolean {
  if (inFlight) return false;
  return lastStartedAt === undefined || now - lastStartedAt >= FORGE_PROBE_INTERVAL_MS || now < lastStartedAt;
}

/**
 * The decision's `forge` after a round: ok when every probed forge answered; `since` is kept while
 * ok stays the same (a failing forge whose error text changes has still been failing since then)
 * and becomes the round's time when it flips. No round finished yet while probing: the previous
 * decision's state (a restarted daemon keeps its since). Not probing (no probe wired, or none
 * kicked yet) or a round with nothing to probe: absent, so no stale failure outlives the probes
 * that found it.
 */
export function forgeState(
  prev: NodeDecision['forge'],
  round: ForgeProbeRound | undefined,
  probing = true,
): ForgeState | undefined {
  if (!probing) return undefined;
  if (!round) return prev;
  if (round.results.length === 0) return undefined;
  const failed = round.results.filter((r) => !r.ok);
  const ok = failed.length === 0;
  const since = prev && prev.ok === ok ? prev.since : new Date(round.at).toISOString();
  const error = failed.map((r) => `${r.url}: ${r.error ?? 'no answer'}`).join('; ');
  return { ok, since, ...(ok ? {} : { error }) };
}

/** A journal line when the forge state flips (first failure, recovery); nothing while it holds. */
export function forgeEvent(prev: NodeDecision['forge'], next: NodeDecision['forge']): JournalEvent | undefined {
  if (!next || prev?.ok === next.ok) return undefined;
  if (!next.ok) return { at: next.since, kind: 'forge-unreachable', reason: next.error ?? 'the forge did not answer' };
  if (!prev) return undefined; // the first probe answering is no news
  return { at: next.since, kind: 'forge-reachable', reason: `the forge answers again (failing since ${prev.since})` };
}
