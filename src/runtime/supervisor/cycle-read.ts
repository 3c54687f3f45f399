// The read half of a cycle: pull the control repo with every node's telemetry and the lease (one
// fetch), load its config, look at the lease, read the forges and CI. Failures come back as data
// (transient or terminal).
import type { FactoryConfig } from '../../domain/config/factory-schema.js';
import { alarmTargets } from '../../domain/supervisor/alarms-evaluate.js';
import type { Observed } from '../../domain/supervisor/cycle.js';
import { leasePolicy } from '../../domain/supervisor/lease.js';
import { readStateSnapshot, STATE_PATH_LIST } from '../../domain/supervisor/state-files.js';
import { supervisorTimeouts } from '../../domain/supervisor/timeouts.js';
import { loadSupervisorConfig, type SupervisorRepo } from '../../adapters/control-repo/supervisor-config.js';
import { observeForges } from '../../adapters/forge/observe.js';
import { observeMainBranches } from '../../adapters/ci/observe-main.js';
import { createServerClients, type ServerClients } from '../../adapters/forge/server-clients.js';
import { pullWithBranches } from '../../adapters/git/pull-branches.js';
import { untrustedHeadOf, untrustedNote, type UntrustedHead } from '../../domain/trust/trust-state.js';
import { currentBranch, readFilesAt } from '../../adapters/git/read-files.js';
import { controlRemote } from '../../adapters/git/remote.js';
import { readTelemetry, TELEMETRY_PREFIX } from '../../adapters/telemetry/read.js';
import { CONTROL_PREFIX } from '../../adapters/control-repo/lease.js';
import { SshKeygenMissingError } from '../../adapters/git/commit-signature.js';
import type { StandbyRole } from '../../domain/supervisor/lease-term.js';
import { monoOf, type SupervisorDeps, type SupervisorMemory } from './deps.js';
import { observePlacement } from './placement.js';
import { cycleLead, type Leadership } from './lease.js';
import { newTelemetryTrustMemory, trustedTelemetry } from './telemetry-trust.js';

export interface CycleRead {
  kind: 'read';
  factory: FactoryConfig;
  repos: SupervisorRepo[];
  lead: Leadership;
  observed: Observed;
  notes: string[];
  clients: ServerClients;
  calls: number;
  now: number;
  /** the forge's clock less ours (its Date headers): time alarms fire by the forge's clock */
  clockOffsetMs?: number;
}
/** The daemon as a standby: it looked at the lease and nothing else (no telemetry, no forge, no plan). */
export interface WatchingOnly {
  kind: 'watching';
  lead: StandbyRole;
}
export type CycleFailure =
  /** retry soon with backoff: the forge's git or the push failed */
  | { kind: 'transient'; error: string }
  /** a human must fix the config; nothing was decided */
  | { kind: 'terminal'; error: string };

/** `standbyWatches`: the daemon's cycles, where a standby stops at the lease; a --once standby observes and says what it would do. */
export async function readCycle(
  deps: SupervisorDeps,
  memory: SupervisorMemory,
  standbyWatches = false,
): Promise<CycleRead | CycleFailure | WatchingOnly> {
  const { dir } = deps;
  const remote = await controlRemote(dir);
  let untrusted: string | undefined;
  let untrustedHead: UntrustedHead | undefined;
  // A term the look at the lease just took: this cycle keeps it (cycleLead), no later one.
  const taken = memory.taken;
  delete memory.taken;
  if (remote) {
    // One fetch: main, every node's telemetry, the lease.
    const pulled = await pullWithBranches(
      dir,
      remote,
      [TELEMETRY_PREFIX, CONTROL_PREFIX],
      supervisorTimeouts(memory.lastGood?.factory).pullMs,
    );
    if (!pulled.ok) return { kind: 'transient', error: `pull failed: ${pulled.error}` };
    untrusted = untrustedNote(pulled.trust);
    // The pull just moved this branch's work tree: it names the ref the untrusted-head alert is about.
    if (untrusted) untrustedHead = untrustedHeadOf(pulled.trust, `refs/heads/${(await currentBranch(dir)) ?? 'main'}`);
  }
  const loaded = await loadSupervisorConfig(dir, memory.lastGood);
  if (!loaded.ok)
    return {
      kind: 'terminal',
      error: `the config is invalid and no good version is known:\n${loaded.problems.join('\n')}`,
    };
  const notes = loaded.stale ? [`config invalid, running on the last good one:\n${loaded.stale.join('\n')}`] : [];
  if (untrusted) notes.push(untrusted);
  if (!loaded.stale) memory.lastGood = loaded.config;
  const { factory, repos } = loaded.config;
  const limits = supervisorTimeouts(factory);

  const lead = remote
    ? await cycleLead(
        {
          dir,
          remote,
          me: deps.node,
          now: deps.now,
          mono: monoOf(deps),
          policy: leasePolicy(factory.supervisor),
          readTimeoutMs: limits.leaseReadMs,
        },
        taken,
      ).catch((e: Error) => e)
    : { kind: 'solo' as const };
  if (lead instanceof Error) return { kind: 'transient', error: `lease: ${lead.message}` };
  if (standbyWatches && lead.kind === 'standby') return { kind: 'watching', lead };
  const heard = await trustedTelemetry(
    dir,
    factory.trust.mode,
    [...(await readTelemetry(dir, remote)).values()],
    (memory.telemetryTrust ??= newTelemetryTrustMemory()),
  ).catch((e: Error) => e);
  if (heard instanceof SshKeygenMissingError) return { kind: 'terminal', error: heard.message };
  if (heard instanceof Error) throw heard;
  notes.push(...heard.notes);
  const telemetry = heard.telemetry;
  const placement = await observePlacement(deps, memory, factory, telemetry, lead);
  notes.push(...placement.notes);
  const head = readStateSnapshot(await readFilesAt(dir, 'HEAD', STATE_PATH_LIST));
  const clients = createServerClients(factory, deps.env, { clock: deps.now, ...deps.http }, memory.httpCache);
  const now = deps.now();
  const seen = await observeForges(clients, repos, alarmTargets(head.alarms ?? []), {
    readyLabel: factory.supervisor.readyLabel,
    now,
  });
  const main = await observeMainBranches(clients, factory, repos);
  notes.push(
    ...seen.notes,
    ...seen.repos.filter((r) => r.error).map((r) => `${r.slug}: ${r.error} (missing data: no back-off, no resume)`),
  );
  const nodes = telemetry.flatMap((t) => (t.decision ? [t.decision] : []));
  const observed: Observed = {
    repos: seen.repos,
    targets: seen.targets,
    nodes,
    telemetry,
    ...('ciQueue' in seen ? { ciQueue: seen.ciQueue } : {}),
    ...(placement.observed ? { placement: placement.observed } : {}),
    mains: main.mains,
    ...(untrustedHead ? { untrustedHead } : {}),
  };
  const clockOffsetMs = clients.clockOffset();
  if (clockOffsetMs !== undefined) memory.clockOffsetMs = clockOffsetMs;
  return {
    kind: 'read',
    factory,
    repos,
    lead,
    observed,
    notes,
    clients,
    calls: seen.calls + main.calls,
    now,
    ...(memory.clockOffsetMs !== undefined ? { clockOffsetMs: memory.clockOffsetMs } : {}),
  };
}
