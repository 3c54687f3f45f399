import { mkdirSync } from 'node:fs';
import { loadControlView, type ViewPartParser } from '../../adapters/control-repo/view.js';
import { inConfigWorker } from '../../adapters/control-repo/config-worker.js';
import { configKey, loadNodeConfig } from '../../adapters/control-repo/node-config.js';
import { pullFastForward } from '../../adapters/git/pull.js';
import { recoverRepo } from '../../adapters/git/recover.js';
import { controlRemote } from '../../adapters/git/remote.js';
import { applyCrontabBlock } from '../../adapters/node/crontab.js';
import { applyHaltFiles, readRecord } from '../../adapters/node/halt-files.js';
import { readExitRecords } from '../../adapters/node/exit-records.js';
import { createLoopRunner } from '../../adapters/node/loop-runner.js';
import { rotateAgentLogs } from '../../adapters/node/log-rotate.js';
import { runRecordsStore } from '../../adapters/node/run-records.js';
import { createProcSampler } from '../../adapters/node/sampler.js';
import { selfAndAncestors, stopAgentProcesses } from '../../adapters/node/stop-agents.js';
import { createTelemetryBranch } from '../../adapters/telemetry/branch.js';
import { createTelemetryQueue } from '../../adapters/telemetry/queue.js';
import { rpcRefusalNotes } from '../../domain/node/rpc-notes.js';
import { takeNewRpcEntries } from '../../adapters/node/rpc-journal.js';
import { runAlarmCommand } from '../../adapters/process/alarm-command.js';
import { knownLease, knownLeaseSha } from '../../adapters/control-repo/lease-known.js';
import { telemetryTips } from '../../adapters/telemetry/read.js';
import { createVersionProbe } from '../../adapters/forge/version-probe.js';
import { FORGE_PROBE_TIMEOUT_MS } from '../../domain/node/forge-probe.js';
import type { NodeLoopDeps } from './deps.js';

export type RealNodeOptions = Pick<NodeLoopDeps, 'dir' | 'node' | 'env' | 'now' | 'log' | 'intervalMs' | 'cron'> & {
  selfUpgrade: boolean;
};

/** A changed control file is parsed in a short-lived worker: the daemon keeps no YAML nor zod resident. */
const parseInWorker: ViewPartParser = (part, text) => inConfigWorker({ kind: 'view-part', part, text });

/** The node loop on this machine: /proc, its crontab, halt files, git. */
export function realNodeDeps(opts: RealNodeOptions): NodeLoopDeps {
  const { selfUpgrade, ...base } = opts;
  const { dir, now, log } = base;
  return {
    ...base,
    repo: {
      hasRemote: async () => (await controlRemote(dir)) !== undefined,
      recover: async () => void (await recoverRepo(dir)),
      pull: (timeoutMs) => pullFastForward(dir, timeoutMs, now),
      readControl: () => loadControlView(dir, parseInWorker),
      configKey: () => configKey(dir),
      loadConfig: (lastGood) => loadNodeConfig(dir, lastGood),
      lease: async () => {
        const [sha, lease] = await Promise.all([knownLeaseSha(dir), knownLease(dir)]);
        return { ...(sha ? { sha } : {}), ...(lease ? { holder: lease.holder } : {}) };
      },
      peerTips: async () => telemetryTips(dir, (await controlRemote(dir)) ?? 'origin'),
      ...(selfUpgrade
        ? {
            upgrade: async () =>
              (await import('../../adapters/upgrade/self-upgrade.js')).upgradeIfNeeded(dir, {
                log: (line) => log(`upgrade: ${line}`),
              }),
          }
        : {}),
    },
    machine: {
      createSampler: (spec) => createProcSampler({ mounts: spec.mounts, roleCommands: spec.roleCommands, now }),
      applyHaltFiles: (plan) => applyHaltFiles(plan).external,
      readActiveRecord: readRecord,
      readExitRecords,
      applyCrontab: (lines, dirs) => {
        for (const d of dirs) mkdirSync(d, { recursive: true });
        return applyCrontabBlock(lines);
      },
      createLoopRunner,
      stopAgents: (targets, graceMs, spared) => stopAgentProcesses(targets, graceMs, { spared }),
      selfAndAncestors: () => selfAndAncestors(),
      runCommand: (command, timeoutMs) => runAlarmCommand(command, { cwd: dir, timeoutMs }),
      rotateLogs: rotateAgentLogs,
    },
    telemetry: { createBranch: createTelemetryBranch, createQueue: createTelemetryQueue },
    records: runRecordsStore,
    forge: { probe: createVersionProbe({ timeoutMs: FORGE_PROBE_TIMEOUT_MS }) },
    rpcRefusals: () => rpcRefusalNotes(takeNewRpcEntries(dir)),
  };
}
